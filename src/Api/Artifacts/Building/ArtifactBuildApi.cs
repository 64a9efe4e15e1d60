using Microsoft.Extensions.Options;
using ZeroLagHub.Api.Auth;
using ZeroLagHub.Domain.Agent;

namespace ZeroLagHub.Api.Artifacts.Building;

/// <summary>
/// <c>GET /api/artifacts</c> (any user): what can be installed, each marked built, stand-in or not built (with the
/// command that builds it). <c>GET /api/admin/artifacts/{name}/{version}/build</c> (admins) follows a build started by
/// <see cref="BuildArtifactEndpoint"/>.
/// </summary>
public static class ArtifactBuildApi
{
    public sealed record ArtifactEntry(string Kind, string Name, string Version, string State, bool StandIn, string? File, string? Sha256,
        long? Size, string? Source, string? BuildCommand);

    public static IEndpointRouteBuilder MapArtifactBuildApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/artifacts", List).WithTags("Artifacts");
        var admin = app.MapGroup("/api/admin/artifacts").WithTags("Artifacts").RequireAuthorization(AuthPolicies.Admin);
        admin.MapGet("/{name}/{version}/build", Follow);
        return app;
    }

    private static IResult List(ArtifactCatalog catalog, IOptions<ArtifactOptions> options)
    {
        var current = catalog.Current();
        var entries = new List<ArtifactEntry>();
        void AddSection(string kind, IReadOnlyDictionary<string, IReadOnlyDictionary<string, CatalogArtifact>>? section)
        {
            foreach (var (name, versions) in section ?? new Dictionary<string, IReadOnlyDictionary<string, CatalogArtifact>>())
                foreach (var (version, a) in versions)
                    entries.Add(new ArtifactEntry(kind, name, version, a.StandIn ? "stand-in" : "built", a.StandIn, a.File, a.Sha256, a.Size,
                        a.StandIn ? "a stand-in (Artifacts:StandIns), not the real runtime" : ArtifactRecipes.Find(name, version)?.Source, null));
        }
        AddSection("runtime", current.Runtimes);
        AddSection("addon", current.Addons);
        foreach (var recipe in ArtifactRecipes.All.Where(r => current.BuildCommand(r.Name, r.Version) is not null))
            entries.Add(new ArtifactEntry(recipe.IsAddon ? "addon" : "runtime", recipe.Name, recipe.Version, "not built", false, null, null, null,
                recipe.Source, current.BuildCommand(recipe.Name, recipe.Version)));
        return TypedResults.Ok(new
        {
            standIns = options.Value.StandIns,
            artifacts = entries.OrderBy(e => e.Kind, StringComparer.Ordinal).ThenBy(e => e.Name, StringComparer.Ordinal)
                .ThenBy(e => e.Version, StringComparer.Ordinal),
        });
    }

    private static IResult Follow(string name, string version, ArtifactBuilder builder) =>
        ArtifactRecipes.Find(name, version) is null ? NoRecipe(name, version)
        : builder.Latest(name, version) is { } build ? TypedResults.Ok(build.View())
        : TypedResults.Problem($"no build of {name} {version} since the API started; POST to this path starts one", statusCode: StatusCodes.Status404NotFound);

    public static IResult NoRecipe(string name, string version) => TypedResults.Problem(
        $"no recipe for {name} {version}; these can be built: {string.Join(", ", ArtifactRecipes.All.Select(r => $"{r.Name} {r.Version}"))}",
        statusCode: StatusCodes.Status404NotFound);
}
