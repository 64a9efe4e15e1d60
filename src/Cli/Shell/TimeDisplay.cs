using System.Globalization;

namespace ZeroLagHub.Cli.Shell;

/// <summary>How times and durations read for people.</summary>
public static class TimeDisplay
{
    /// <summary>UTC to the second, the same width on every row of a table.</summary>
    public static string Utc(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>A duration, with a tenth of a second below ten seconds: <c>1.2 s</c>, <c>42 s</c>.</summary>
    public static string Seconds(double seconds) => seconds.ToString(seconds < 10 ? "0.0" : "0", CultureInfo.InvariantCulture) + " s";
}
