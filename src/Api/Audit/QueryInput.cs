using System.Globalization;

namespace ZeroLagHub.Api.Audit;

/// <summary>
/// Query parameters taken as text and parsed here, so that bad input gets a problem that names the
/// parameter and the expected form rather than the framework's generic binding failure.
/// </summary>
internal static class QueryInput
{
    /// <returns>Null when valid (<paramref name="value"/> set, or null when absent); otherwise the problem to return.</returns>
    public static IResult? Time(string name, string? raw, out DateTimeOffset? value)
    {
        value = null;
        if (string.IsNullOrEmpty(raw)) return null;
        if (DateTimeOffset.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
        {
            value = parsed;
            return null;
        }
        return BadRequest($"{name}='{raw}' is not a time: use ISO 8601, e.g. 2026-11-22T10:15:00Z");
    }

    public static IResult? Number(string name, string? raw, long min, long max, long fallback, out long value)
    {
        value = fallback;
        if (string.IsNullOrEmpty(raw)) return null;
        if (long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max) return null;
        return BadRequest($"{name}='{raw}' must be a whole number from {min} to {max}");
    }

    public static IResult? Id(string name, string? raw, out Guid? value)
    {
        value = null;
        if (string.IsNullOrEmpty(raw)) return null;
        if (Guid.TryParse(raw, out var id))
        {
            value = id;
            return null;
        }
        return BadRequest($"{name}='{raw}' is not an id (a UUID)");
    }

    public static IResult BadRequest(string detail) => TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Bad request");

    public static IResult NotFound(string detail) => TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Not found");
}
