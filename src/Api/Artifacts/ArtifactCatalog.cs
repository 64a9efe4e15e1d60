using System.Text.Json;
using Microsoft.Extensions.Options;
using ZeroLagHub.Domain.Agent;

namespace ZeroLagHub.Api.Artifacts;

/// <summary>The artifact directory's <c>_catalog.json</c>, re-read when the file changes, so operators add artifacts without a restart.</summary>
public sealed class ArtifactCatalog(IOptions<ArtifactOptions> options)
{
    private (DateTime Stamp, RuntimeCatalog Catalog)? _cached;

    public string Directory => options.Value.Directory;

    public string CatalogPath => Path.Combine(Directory, "_catalog.json");

    public RuntimeCatalog Current()
    {
        var file = new FileInfo(CatalogPath);
        if (!file.Exists) return new RuntimeCatalog(null, null);
        var cached = _cached;
        if (cached is { } c && c.Stamp == file.LastWriteTimeUtc) return c.Catalog;
        var catalog = JsonSerializer.Deserialize<RuntimeCatalog>(File.ReadAllText(file.FullName), JsonSerializerOptions.Web)
            ?? new RuntimeCatalog(null, null);
        _cached = (file.LastWriteTimeUtc, catalog);
        return catalog;
    }
}
