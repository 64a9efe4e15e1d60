using System.CommandLine;
using System.Globalization;

namespace ZeroLagHub.Cli.Shell;

/// <summary>A point in time as typed: an ISO 8601 timestamp, or an age such as <c>30m</c>, <c>2h</c>, <c>7d</c>.</summary>
public static class TimeArgument
{
    /// <summary>A time option's value (null when not given).</summary>
    /// <returns>Null when valid; otherwise the usage error to print.</returns>
    public static string? Read(ParseResult parse, Option<string?> option, DateTimeOffset now, out DateTimeOffset? value)
    {
        value = null;
        if (parse.GetValue(option) is not { } text) return null;
        if (!TryParse(text, now, out var parsed)) return $"{option.Name} takes an ISO 8601 time or an age such as 30m, 2h, 7d (got '{text}')";
        value = parsed;
        return null;
    }

    private static bool TryParse(string text, DateTimeOffset now, out DateTimeOffset value)
    {
        if (text.Length > 1 && double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) && amount >= 0)
        {
            TimeSpan? age = text[^1] switch
            {
                's' => TimeSpan.FromSeconds(amount),
                'm' => TimeSpan.FromMinutes(amount),
                'h' => TimeSpan.FromHours(amount),
                'd' => TimeSpan.FromDays(amount),
                _ => null,
            };
            if (age is { } ago)
            {
                value = now - ago;
                return true;
            }
        }
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value);
    }
}
