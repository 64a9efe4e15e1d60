namespace ZeroLagHub.Api.Ide;

/// <summary>
/// <see cref="IdeOptions.HostPattern"/> parsed: <c>{id}.ide.example.com</c> is "a container id, then
/// <c>.ide.example.com</c>". Matching ignores case and the port.
/// </summary>
public sealed record IdeHostPattern(string Before, string After)
{
    private const string Placeholder = "{id}";

    /// <summary>Null when host mode is off; throws at start-up on a pattern without exactly one <c>{id}</c>.</summary>
    public static IdeHostPattern? Parse(string? pattern)
    {
        if (string.IsNullOrWhiteSpace(pattern)) return null;
        var at = pattern.IndexOf(Placeholder, StringComparison.Ordinal);
        if (at < 0 || pattern.IndexOf(Placeholder, at + 1, StringComparison.Ordinal) >= 0 || pattern.Contains(':') || pattern.Contains('/'))
            throw new InvalidOperationException($"Ide:HostPattern '{pattern}' must be a host name with one {Placeholder}, e.g. {Placeholder}.ide.example.com");
        return new IdeHostPattern(pattern[..at], pattern[(at + Placeholder.Length)..]);
    }

    public bool TryMatch(HostString host, out Guid containerId)
    {
        containerId = Guid.Empty;
        var name = host.Host;
        return name.Length > Before.Length + After.Length
            && name.StartsWith(Before, StringComparison.OrdinalIgnoreCase)
            && name.EndsWith(After, StringComparison.OrdinalIgnoreCase)
            && Guid.TryParseExact(name[Before.Length..^After.Length], "D", out containerId);
    }

    /// <summary>The IDE's host for a container, e.g. <c>0b5e….ide.example.com</c>.</summary>
    public string HostFor(Guid containerId) => $"{Before}{containerId:D}{After}";
}
