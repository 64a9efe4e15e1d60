using ZeroLagHub.Cli.Api;

namespace ZeroLagHub.Cli.Containers;

/// <summary>
/// Container names for tables whose API rows carry only ids (statuses, deployments): one list call, deleted
/// containers included, since their history outlives them. A container the list does not know shows its id.
/// </summary>
public sealed class ContainerNames
{
    private readonly Dictionary<Guid, string> _names;

    private ContainerNames(Dictionary<Guid, string> names) => _names = names;

    public static async Task<ApiResult<ContainerNames>> LoadAsync(ApiClient client, CancellationToken ct)
    {
        var list = await client.ListContainersAsync(deleted: true, ct);
        if (list.Problem is { } problem) return problem;
        return new ApiResult<ContainerNames>(new ContainerNames(list.Value!.Where(c => !string.IsNullOrEmpty(c.Name)).ToDictionary(c => c.Id, c => c.Name!)), null);
    }

    /// <summary>The container's name, else its id.</summary>
    public string Of(Guid id) => _names.GetValueOrDefault(id) ?? id.ToString();
}
