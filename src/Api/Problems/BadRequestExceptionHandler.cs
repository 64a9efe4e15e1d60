using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace ZeroLagHub.Api.Problems;

/// <summary>
/// A request the framework could not bind (malformed JSON, a value of the wrong type, an unparsable
/// query parameter) answers 400 problem+json that says what to fix, e.g. "$.kind: the JSON value could
/// not be converted", instead of an empty 400. Binding failures are thrown for this handler to catch
/// (RouteHandlerOptions.ThrowOnBadRequest); nothing has run yet, so nothing was written.
/// </summary>
public sealed class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        if (exception is not BadHttpRequestException bad) return false;
        http.Response.StatusCode = bad.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            Exception = exception,
            ProblemDetails = new ProblemDetails { Status = bad.StatusCode, Title = "The request could not be read", Detail = Explain(bad) },
        });
    }

    /// <summary>The JSON reader's message names the path and the expected type; the framework's wrapper names the parameter.</summary>
    private static string Explain(BadHttpRequestException bad) => bad.InnerException switch
    {
        JsonException json when json.Path is { } path => $"{path}: {FirstSentence(json.Message)}",
        JsonException json => FirstSentence(json.Message),
        _ => bad.Message,
    };

    private static string FirstSentence(string message) => message.Split(" Path: ")[0];
}
