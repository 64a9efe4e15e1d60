using ZeroLagHub.Cli.Api;

namespace ZeroLagHub.Cli.Containers;

/// <summary>
/// Container names for tables whose API rows carry only ids (statuses, deployments): one list call, deleted
/// containers included, since their history outlives them. A container the list does not know shows its id.
/// </summary>
public sealed class ContainerNames
{
    private readonly ApiClient _client;
    private Dictionary<Guid, string> _names;
    // Ids a reload did not name (another user's, or unnamed): not worth another list call each time they show.
    private readonly HashSet<Guid> _unnamed = [];

    private ContainerNames(ApiClient client, Dictionary<Guid, string> names) => (_client, _names) = (client, names);

    public static async Task<ApiResult<ContainerNames>> LoadAsync(ApiClient client, CancellationToken ct)
    {
        var list = await ListAsync(client, ct);
        if (list.Problem is { } problem) return problem;
        return new ApiResult<ContainerNames>(new ContainerNames(client, list.Value!), null);
    }

    private static async Task<ApiResult<Dictionary<Guid, string>>> ListAsync(ApiClient client, CancellationToken ct)
    {
        var list = await client.ListContainersAsync(deleted: true, ct);
        if (list.Problem is { } problem) return problem;
        return new ApiResult<Dictionary<Guid, string>>(list.Value!.Where(c => !string.IsNullOrEmpty(c.Name)).ToDictionary(c => c.Id, c => c.Name!), null);
    }

    /// <summary>
    /// Loads the list again when one of <paramref name="ids"/> is new to it (a container created while a watch runs).
    /// A failed reload keeps the names known: the new ones show their ids.
    /// </summary>
    public async Task LearnAsync(IEnumerable<Guid> ids, CancellationToken ct)
    {
        var unknown = ids.Where(id => !_names.ContainsKey(id) && !_unnamed.Contains(id)).ToList();
        if (unknown.Count == 0) return;
        if ((await ListAsync(_client, ct)).Value is not { } names) return;
        _names = names;
        _unnamed.UnionWith(unknown.Where(id => !names.ContainsKey(id)));
    }

    /// <summary>The container's name, else its id.</summary>
    public string Of(Guid id) => _names.GetValueOrDefault(id) ?? id.ToString();
}
