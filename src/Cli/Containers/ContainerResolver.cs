using ZeroLagHub.Cli.Api;

namespace ZeroLagHub.Cli.Containers;

/// <summary>
/// Turns what a user types for a container into its id: the full UUID, its name, its vmid (as in
/// <c>zlh ssh 6038</c>) or a unique prefix of its UUID. Anything but a UUID costs one list call.
/// </summary>
public static class ContainerResolver
{
    public const string Help = "Container: UUID, name, vmid, or a unique UUID prefix";

    /// <param name="includeDeleted">Match deleted containers too (their history outlives them, for audit).</param>
    public static async Task<ApiResult<Guid>> ResolveAsync(ApiClient client, string reference, CancellationToken ct, bool includeDeleted = false)
    {
        if (Guid.TryParse(reference, out var id)) return new ApiResult<Guid>(id, null);

        var list = await client.ListContainersAsync(includeDeleted, ct);
        if (list.Problem is { } problem) return problem;
        var matches = list.Value!.Where(c =>
                string.Equals(c.Name, reference, StringComparison.OrdinalIgnoreCase) ||
                c.Vmid?.ToString(System.Globalization.CultureInfo.InvariantCulture) == reference ||
                (reference.Length >= 4 && c.Id.ToString().StartsWith(reference, StringComparison.OrdinalIgnoreCase)))
            .ToList();
        return matches switch
        {
            [var only] => new ApiResult<Guid>(only.Id, null),
            [] => new ApiProblem(404, "Not found", $"none of your containers has the name, vmid or id prefix '{reference}' (zlh ls{(includeDeleted ? " --all" : "")} lists them)"),
            _ => new ApiProblem(400, "Ambiguous container",
                $"'{reference}' matches {string.Join(", ", matches.Select(c => $"{c.Id} ({c.Name})"))}: give the full id"),
        };
    }
}
