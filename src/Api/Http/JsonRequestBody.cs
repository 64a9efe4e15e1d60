using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace ZeroLagHub.Api.Http;

/// <summary>
/// An optional JSON body read as a Minimal API reads it, for a Wolverine.Http endpoint: with the API's JSON options
/// (an unknown field is an error), and a body that cannot be read thrown as <see cref="BadHttpRequestException"/>, so
/// that <see cref="Problems.RequestBodyGuard"/> answers and audits it in the same words as on every other route.
/// </summary>
/// <remarks>
/// Wolverine's own body binding answers a malformed body itself (its own problem text, naming .NET types, and
/// no audit row) and a restrictive Accept header with 406: not what this API promises.
/// </remarks>
public static class JsonRequestBody
{
    /// <summary>The body, or null when the request has none (or sends <c>null</c>).</summary>
    public static async Task<T?> ReadAsync<T>(HttpContext context) where T : class
    {
        var request = context.Request;
        if (context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody != true || request.ContentLength == 0) return null;
        if (!request.HasJsonContentType())
            throw new BadHttpRequestException("Expected a supported JSON media type.", StatusCodes.Status415UnsupportedMediaType);
        var options = context.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        try
        {
            return await JsonSerializer.DeserializeAsync<T>(request.Body, options, context.RequestAborted);
        }
        catch (JsonException e)
        {
            throw new BadHttpRequestException($"Failed to read the request body as JSON ({typeof(T).Name}).", e);
        }
    }

    /// <summary>The body of a route that needs one: its absence (or <c>null</c>) is refused as a Minimal API refuses it.</summary>
    public static async Task<T> ReadRequiredAsync<T>(HttpContext context) where T : class =>
        await ReadAsync<T>(context) ?? throw new BadHttpRequestException($"Required parameter \"{typeof(T).Name} body\" was not provided from body.");
}
