using System.Globalization;

namespace ZeroLagHub.Bench;

/// <summary>Bad command-line arguments: reported as a usage error rather than a crash.</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>
/// The <c>--name value</c> options of one subcommand. Deliberately tiny: each subcommand names the
/// options it knows, so a typo fails loudly instead of silently running with defaults.
/// </summary>
internal sealed class Options
{
    private readonly Dictionary<string, string> _values;

    private Options(Dictionary<string, string> values) => _values = values;

    public static Options Parse(string[] args, params string[] known)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i += 2)
        {
            var name = args[i];
            if (!known.Contains(name)) throw new UsageException($"unknown option '{name}'");
            if (i + 1 >= args.Length) throw new UsageException($"{name} needs a value");
            values[name] = args[i + 1];
        }
        return new Options(values);
    }

    /// <summary>A duration in seconds (fractions allowed), at least <paramref name="min"/>.</summary>
    public TimeSpan Seconds(string name, double fallback, double min)
    {
        if (!_values.TryGetValue(name, out var text)) return TimeSpan.FromSeconds(fallback);
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || seconds < min)
            throw new UsageException($"{name} takes a number of seconds >= {min}, not '{text}'");
        return TimeSpan.FromSeconds(seconds);
    }

    /// <summary>A word as given, or <paramref name="fallback"/>.</summary>
    public string Text(string name, string fallback) => _values.GetValueOrDefault(name, fallback);

    /// <summary>A whole number (underscores allowed, e.g. 1_000_000), at least <paramref name="min"/>.</summary>
    public long Count(string name, long fallback, long min)
    {
        if (!_values.TryGetValue(name, out var text)) return fallback;
        if (!long.TryParse(text.Replace("_", "", StringComparison.Ordinal), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min)
            throw new UsageException($"{name} takes a whole number >= {min}, not '{text}'");
        return value;
    }
}
