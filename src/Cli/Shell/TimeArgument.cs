using System.Globalization;

namespace ZeroLagHub.Cli.Shell;

/// <summary>A point in time as typed: an ISO 8601 timestamp, or an age such as <c>30m</c>, <c>2h</c>, <c>7d</c>.</summary>
public static class TimeArgument
{
    public static bool TryParse(string text, DateTimeOffset now, out DateTimeOffset value)
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
