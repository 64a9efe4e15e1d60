using Microsoft.AspNetCore.Http.HttpResults;

namespace ZeroLagHub.Api.Artifacts;

/// <summary>
/// <c>GET /artifacts/{**path}</c>: the artifact directory, to agents only (their artifact token, not a
/// user's). Paths are confined to the directory; the catalog is one more file in it.
/// </summary>
public static class ArtifactsApi
{
    public static IEndpointRouteBuilder MapArtifactsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/artifacts/{**path}", Get)
            .AllowAnonymous() // users' access tokens do not open it; the artifact token is checked below
            .ExcludeFromDescription();
        return app;
    }

    private static Results<PhysicalFileHttpResult, ProblemHttpResult> Get(string? path, HttpContext context,
        ArtifactTokens tokens, ArtifactCatalog catalog)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.Ordinal) || tokens.Validate(header["Bearer ".Length..]) is null)
            return TypedResults.Problem("an agent's artifact token is required", statusCode: StatusCodes.Status401Unauthorized);

        var root = Path.GetFullPath(catalog.Directory) + Path.DirectorySeparatorChar;
        var file = Path.GetFullPath(Path.Combine(root, path ?? ""));
        if (!file.StartsWith(root, StringComparison.Ordinal) || !File.Exists(file)
            || new FileInfo(file).LinkTarget is not null)
            return TypedResults.Problem($"no artifact '{path}'", statusCode: StatusCodes.Status404NotFound);

        return TypedResults.PhysicalFile(file, file.EndsWith(".json", StringComparison.Ordinal) ? "application/json" : "application/octet-stream",
            enableRangeProcessing: true);
    }
}
