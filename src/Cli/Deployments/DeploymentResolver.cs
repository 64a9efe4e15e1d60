using System.Globalization;
using ZeroLagHub.Cli.Api;
using ZeroLagHub.Cli.Containers;

namespace ZeroLagHub.Cli.Deployments;

/// <summary>
/// Turns what a user types for a deployment into its id: the full UUID, a unique prefix of it (as <c>zlh deploys</c>
/// prints them), or a container (name, vmid or id prefix, as <see cref="ContainerResolver"/>) for its latest deployment.
/// </summary>
public static class DeploymentResolver
{
    public const string Help = "Deployment: its id, a unique id prefix, or a container (its latest deployment)";

    /// <summary>The shortest prefix looked up: shorter ones match nearly everything.</summary>
    private const int ShortestPrefix = 4;

    private const int PageSize = 500;

    public static async Task<ApiResult<Guid>> ResolveAsync(ApiClient client, string reference, CancellationToken ct)
    {
        if (Guid.TryParse(reference, out var id)) return new ApiResult<Guid>(id, null);

        if (LooksLikeIdPrefix(reference))
        {
            var deployments = new List<DeploymentInfo>();
            DateTimeOffset? before = null;
            do
            {
                var page = await client.ListDeploymentsAsync(new DeploymentQuery(null, null, null, null, null, before, PageSize), ct);
                if (page.Problem is { } problem) return problem;
                deployments.AddRange(page.Value!.Items);
                before = page.Value.Next;
            }
            while (before is not null);
            if (ByIdPrefix(deployments, reference) is { } found) return found;
        }

        var container = await ContainerResolver.ResolveAsync(client, reference, ct, includeDeleted: true);
        if (container.Problem is { Status: 404 })
            return new ApiProblem(404, "Not found", $"no deployment id starts with '{reference}' and no container has that name, vmid or id prefix (zlh deploys lists deployments)");
        if (container.Problem is { } other) return other;
        var latest = await client.ListDeploymentsAsync(new DeploymentQuery(container.Value, null, null, null, null, null, 1), ct);
        if (latest.Problem is { } failed) return failed;
        return latest.Value!.Items is [var newest, ..]
            ? new ApiResult<Guid>(newest.Id, null)
            : new ApiProblem(404, "Not found", $"container '{reference}' has no deployment");
    }

    /// <summary>The one deployment whose id starts with <paramref name="prefix"/>, an ambiguity problem, or null for none.</summary>
    public static ApiResult<Guid>? ByIdPrefix(IReadOnlyList<DeploymentInfo> deployments, string prefix)
    {
        var matches = deployments.Where(d => d.Id.ToString().StartsWith(prefix, StringComparison.OrdinalIgnoreCase)).ToList();
        return matches switch
        {
            [] => null,
            [var only] => new ApiResult<Guid>(only.Id, null),
            _ => new ApiProblem(400, "Ambiguous deployment",
                $"'{prefix}' is the start of {matches.Count} deployment ids ({string.Join(", ", matches.Take(5).Select(d => d.Id))}"
                + (matches.Count > 5 ? ", …" : "") + "): give more of the id"),
        };
    }

    private static bool LooksLikeIdPrefix(string reference) =>
        reference.Length >= ShortestPrefix && reference.All(c => c == '-' || char.IsAsciiHexDigit(c));
}
