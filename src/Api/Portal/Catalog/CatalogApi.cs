using Microsoft.AspNetCore.Http.HttpResults;
using ZeroLagHub.Api.Artifacts;
using ZeroLagHub.Domain.Agent;

namespace ZeroLagHub.Api.Portal.Catalog;

/// <summary>
/// <c>GET /api/catalog</c> → what a create may ask for: the kinds, each runtime and addon with its versions (newest
/// last as the catalog lists them), and which of those are stand-ins (<c>Artifacts:StandIns</c>), which the portal
/// labels wherever it names them. The portal's create form is built from it; the create itself checks again.
/// </summary>
public static class CatalogApi
{
    /// <param name="StandIns">The stand-ins among them, as <c>"name version"</c>.</param>
    public sealed record CatalogView(IReadOnlyList<string> Kinds, IReadOnlyDictionary<string, string[]> Runtimes,
        IReadOnlyDictionary<string, string[]> Addons, IReadOnlyList<string> StandIns);

    public static IEndpointRouteBuilder MapCatalogApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/catalog", Get).WithTags("Containers");
        return routes;
    }

    private static Ok<CatalogView> Get(ArtifactCatalog catalog)
    {
        var current = catalog.Current();
        var runtimes = current.Runtimes ?? new Dictionary<string, IReadOnlyDictionary<string, CatalogArtifact>>();
        var addons = current.Addons ?? new Dictionary<string, IReadOnlyDictionary<string, CatalogArtifact>>();
        return TypedResults.Ok(new CatalogView(["dev", "game"],
            runtimes.OrderBy(r => r.Key, StringComparer.Ordinal).ToDictionary(r => r.Key, r => r.Value.Keys.ToArray()),
            addons.OrderBy(a => a.Key, StringComparer.Ordinal).ToDictionary(a => a.Key, a => a.Value.Keys.ToArray()),
            [.. runtimes.Concat(addons).SelectMany(n => n.Value.Where(v => v.Value.StandIn).Select(v => $"{n.Key} {v.Key}")).Order(StringComparer.Ordinal)]));
    }
}
