namespace ZeroLagHub.Domain.Agent;

/// <summary>
/// The artifact server's <c>_catalog.json</c>, the source of truth for what can be installed:
/// <c>{"runtimes": {"node": {"24": {file, archivePrefix, sha256, size}}}, "addons": {"code-server": {"4.96.4": {…}}}}</c>.
/// </summary>
public sealed record RuntimeCatalog(
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, CatalogArtifact>>? Runtimes,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, CatalogArtifact>>? Addons)
{
    public CatalogArtifact? FindRuntime(string runtime, string version) => Find(Runtimes, runtime, version);

    /// <summary>
    /// What the API knows how to build but has not built (<c>node</c> → <c>22</c>), so that a request for one
    /// is told how to build it. Not part of <c>_catalog.json</c>: the API adds it to what it read.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyDictionary<string, IReadOnlyList<string>>? Buildable { get; init; }

    /// <summary>The command that builds <paramref name="name"/> <paramref name="version"/>, when it can be built and is not.</summary>
    public string? BuildCommand(string name, string? version)
    {
        if (Buildable is null || !Buildable.TryGetValue(name, out var versions) || versions.Count == 0) return null;
        if (version is null) version = versions.OrderBy(v => v, VersionOrder.Instance).Last();
        else if (!versions.Contains(version)) return null;
        return $"zlh admin artifacts build {name} {version}";
    }

    /// <summary>An addon at <paramref name="version"/>, or at the catalog's highest version when it is null.</summary>
    public (string Version, CatalogArtifact Artifact)? FindAddon(string addon, string? version)
    {
        if (Addons is null || !Addons.TryGetValue(addon, out var versions) || versions.Count == 0) return null;
        version ??= versions.Keys.OrderBy(v => v, VersionOrder.Instance).Last();
        return versions.TryGetValue(version, out var artifact) ? (version, artifact) : null;
    }

    /// <summary>What exists, for an error message that tells the user what to ask for instead: <c>node 22, 24; java 21</c>.</summary>
    public static string Describe(IReadOnlyDictionary<string, IReadOnlyDictionary<string, CatalogArtifact>>? section) =>
        section is null || section.Count == 0
            ? "nothing"
            : string.Join("; ", section.OrderBy(r => r.Key, StringComparer.Ordinal)
                .Select(r => $"{r.Key} {string.Join(", ", r.Value.Keys.OrderBy(v => v, VersionOrder.Instance))}"));

    private static CatalogArtifact? Find(IReadOnlyDictionary<string, IReadOnlyDictionary<string, CatalogArtifact>>? section, string name, string version) =>
        section is not null && section.TryGetValue(name, out var versions) && versions.TryGetValue(version, out var artifact) ? artifact : null;

    /// <summary>Dotted numbers compare numerically (<c>4.100</c> after <c>4.96</c>); anything else ordinally after them.</summary>
    private sealed class VersionOrder : IComparer<string>
    {
        public static readonly VersionOrder Instance = new();

        public int Compare(string? x, string? y)
        {
            var vx = System.Version.TryParse(x, out var a) ? a : int.TryParse(x, out var i) ? new System.Version(i, 0) : null;
            var vy = System.Version.TryParse(y, out var b) ? b : int.TryParse(y, out var j) ? new System.Version(j, 0) : null;
            if (vx is not null && vy is not null) return vx.CompareTo(vy);
            if (vx is not null) return -1;
            if (vy is not null) return 1;
            return string.CompareOrdinal(x, y);
        }
    }
}
