using System.Text.Json;
using Microsoft.Extensions.Options;
using ZeroLagHub.Api.Artifacts.Building;
using ZeroLagHub.Domain.Agent;

namespace ZeroLagHub.Api.Artifacts;

/// <summary>
/// The artifact directory's <c>_catalog.json</c>, re-read when the file changes, so operators (and builds) add
/// artifacts without a restart. Stand-ins are offered only in the quick mode (<see cref="ArtifactOptions.StandIns"/>);
/// the recipes not built yet are named, so a request for one is told how to build it.
/// </summary>
public sealed class ArtifactCatalog(IOptions<ArtifactOptions> options)
{
    private (DateTime Stamp, RuntimeCatalog Catalog)? _cached;

    public string Directory => options.Value.Directory;

    public string CatalogPath => Path.Combine(Directory, "_catalog.json");

    public RuntimeCatalog Current()
    {
        var file = new FileInfo(CatalogPath);
        var stamp = file.Exists ? file.LastWriteTimeUtc : DateTime.MinValue;
        var cached = _cached;
        if (cached is { } c && c.Stamp == stamp) return c.Catalog;
        var read = file.Exists
            ? JsonSerializer.Deserialize<RuntimeCatalog>(File.ReadAllText(file.FullName), JsonSerializerOptions.Web) ?? new RuntimeCatalog(null, null)
            : new RuntimeCatalog(null, null);
        var offered = options.Value.StandIns ? read : new RuntimeCatalog(WithoutStandIns(read.Runtimes), WithoutStandIns(read.Addons));
        var catalog = offered with { Buildable = NotBuilt(offered) };
        _cached = (stamp, catalog);
        return catalog;
    }

    private static IReadOnlyDictionary<string, IReadOnlyDictionary<string, CatalogArtifact>>? WithoutStandIns(
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, CatalogArtifact>>? section) =>
        section?.Select(s => (s.Key, Versions: (IReadOnlyDictionary<string, CatalogArtifact>)s.Value.Where(v => !v.Value.StandIn).ToDictionary()))
            .Where(s => s.Versions.Count > 0)
            .ToDictionary(s => s.Key, s => s.Versions);

    private static Dictionary<string, IReadOnlyList<string>> NotBuilt(RuntimeCatalog catalog) =>
        ArtifactRecipes.All
            .Where(r => (r.IsAddon ? catalog.FindAddon(r.Name, r.Version) is null : catalog.FindRuntime(r.Name, r.Version) is null))
            .GroupBy(r => r.Name)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)[.. g.Select(r => r.Version)]);
}
