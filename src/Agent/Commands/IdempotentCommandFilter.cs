using System.Text.Json;

namespace ZeroLagHub.Agent.Commands;

/// <summary>
/// For mutating endpoints: requires an <c>Idempotency-Key</c> header (the control plane's message id)
/// and answers a repeat with the first result instead of acting twice.
/// </summary>
public sealed class IdempotentCommandFilter(CommandLog log, TimeProvider clock) : IEndpointFilter
{
    public const string Header = "Idempotency-Key";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var key = http.Request.Headers[Header].ToString();
        if (key.Length is 0 or > 200)
            return Results.Problem(statusCode: 400, title: "Idempotency-Key required",
                detail: $"send a command id (1–200 characters) in the {Header} header; a repeat returns the first result");

        var operation = $"{http.Request.Method} {(http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText}";
        try
        {
            var record = await log.RunOnceAsync(key, operation, async () => Capture(await next(context), clock));
            http.Response.Headers["Idempotency-Key"] = key;
            return Results.Json(record.Body, statusCode: record.StatusCode,
                contentType: record.StatusCode >= 400 ? "application/problem+json" : "application/json");
        }
        catch (CommandIdReusedException e)
        {
            return Results.Problem(statusCode: 422, title: "Command id reused", detail: e.Message);
        }
    }

    /// <summary>Keeps a handler's result as status + JSON body, the form every repeat is answered with.</summary>
    private static CommandRecord Capture(object? result, TimeProvider clock)
    {
        // Results<A, B> wraps the result that was chosen.
        while (result is INestedHttpResult nested) result = nested.Result;
        var status = (result as IStatusCodeHttpResult)?.StatusCode ?? 200;
        var value = result is IValueHttpResult v ? v.Value : result;
        var body = JsonSerializer.SerializeToElement(value, JsonSerializerOptions.Web);
        return new CommandRecord("", status, body, clock.GetUtcNow());
    }
}
