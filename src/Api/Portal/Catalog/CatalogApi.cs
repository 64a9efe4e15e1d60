using Microsoft.AspNetCore.Http.HttpResults;
using ZeroLagHub.Api.Artifacts;

namespace ZeroLagHub.Api.Portal.Catalog;

/// <summary>
/// <c>GET /api/catalog</c> → what a create may ask for: the kinds, each runtime and addon with its versions (newest
/// last as the catalog lists them). The portal's create form is built from it; the create itself checks again.
/// </summary>
public static class CatalogApi
{
    public sealed record CatalogView(IReadOnlyList<string> Kinds, IReadOnlyDictionary<string, string[]> Runtimes, IReadOnlyDictionary<string, string[]> Addons);

    public static IEndpointRouteBuilder MapCatalogApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/catalog", Get).WithTags("Containers");
        return routes;
    }

    private static Ok<CatalogView> Get(ArtifactCatalog catalog)
    {
        var current = catalog.Current();
        return TypedResults.Ok(new CatalogView(["dev", "game"],
            (current.Runtimes ?? new Dictionary<string, IReadOnlyDictionary<string, ZeroLagHub.Domain.Agent.CatalogArtifact>>())
                .OrderBy(r => r.Key, StringComparer.Ordinal).ToDictionary(r => r.Key, r => r.Value.Keys.ToArray()),
            (current.Addons ?? new Dictionary<string, IReadOnlyDictionary<string, ZeroLagHub.Domain.Agent.CatalogArtifact>>())
                .OrderBy(a => a.Key, StringComparer.Ordinal).ToDictionary(a => a.Key, a => a.Value.Keys.ToArray())));
    }
}
