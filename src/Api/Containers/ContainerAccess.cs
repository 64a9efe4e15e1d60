using Npgsql;
using ZeroLagHub.Api.Auth;
using ZeroLagHub.Domain.Agent;
using ZeroLagHub.Domain.Containers;

namespace ZeroLagHub.Api.Containers;

/// <summary>
/// What an access check needs to know about a container, read from the container directory (an inline
/// projection, so it agrees with the last committed event: a deletion or transfer shows at once).
/// </summary>
public sealed record ContainerAccess(Guid Id, Guid Owner, ContainerKind Kind, ContainerLifecycle Lifecycle, int? Vmid, bool CodeServerRunning)
{
    private const string Sql = """
        SELECT owner, kind, lifecycle, (state->>'vmid')::int, coalesce((state->>'codeServerRunning')::boolean, false)
          FROM containers WHERE id = @id
        """;

    /// <summary>Whether <paramref name="user"/> may use this container now: it is not deleted and is theirs (or they are an admin).</summary>
    public bool IsOpenTo(CurrentUser user) => Lifecycle != ContainerLifecycle.Deleted && user.CanAccess(Owner);

    /// <summary>The container, or null when there is no such container.</summary>
    public static async Task<ContainerAccess?> FindAsync(NpgsqlDataSource db, Guid id, CancellationToken ct)
    {
        await using var command = db.CreateCommand(Sql);
        command.Parameters.Add(new NpgsqlParameter<Guid>("id", id));
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        return new ContainerAccess(id,
            Guid.TryParse(reader.GetString(0), out var owner) ? owner : Guid.Empty,
            reader.GetString(1) == "game" ? ContainerKind.Game : ContainerKind.Dev,
            Enum.TryParse<ContainerLifecycle>(reader.GetString(2), ignoreCase: true, out var lifecycle) ? lifecycle : ContainerLifecycle.None,
            reader.IsDBNull(3) ? null : reader.GetInt32(3),
            reader.GetBoolean(4));
    }
}
