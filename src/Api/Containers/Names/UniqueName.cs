using Npgsql;
using ZeroLagHub.Api.Commands;
using ZeroLagHub.Domain.Containers;
using ZeroLagHub.Domain.Decisions;

namespace ZeroLagHub.Api.Containers.Names;

/// <summary>
/// A container's name is unique among its owner's live containers, so that the CLI's by-name addressing is
/// never ambiguous; a deleted container's name is free again. Another owner may use the same name.
/// </summary>
/// <remarks>
/// Checked in the create's transaction, under a lock on (owner, name): two creates racing with one name
/// queue on the lock, and the second reads the first's row in the container directory (an inline
/// projection, committed with the first's events) once the first has committed — each check is a new
/// statement, so under READ COMMITTED it sees that commit. The lock takes no event sequence number (the append after
/// it does), so a create waiting on it holds back no projection of Marten's daemon.
/// NOTE: not a unique index on the directory. The directory is rebuilt from the events, and names
/// duplicated before this rule would then stop the rebuild; its live generation would also need the index
/// added by hand on existing installations.
/// </remarks>
public static class UniqueName
{
    // Class "ZLN" (0x5A4C4E) keeps these locks apart from the appenders' "ZLA" ones in pg_locks; a hash
    // collision only queues two names together.
    private const int LockClass = 0x5A4C4E;

    private const string LockSql = "SELECT pg_advisory_xact_lock(@class, hashtext(@owner || '/' || @name))";

    private const string FindSql = """
        SELECT id FROM containers
         WHERE owner = @owner AND name = @name AND lifecycle <> 'deleted' AND id <> @id
         ORDER BY created_at, id LIMIT 1
        """;

    /// <summary>The guard of a decision that creates a container; null when it creates none (a repeat, another command).</summary>
    public static WriteGuard? For(IReadOnlyList<object> events) =>
        events.OfType<ContainerRequested>().FirstOrDefault() is { Spec: { } spec } created
            ? (tx, ct) => CheckAsync(tx, created.Owner, spec.Name, created.ContainerId, ct)
            : null;

    private static async Task<Rejection?> CheckAsync(NpgsqlTransaction tx, string owner, string name, Guid containerId, CancellationToken ct)
    {
        await using (var lockName = new NpgsqlCommand(LockSql, tx.Connection, tx))
        {
            lockName.Parameters.AddWithValue("class", LockClass);
            lockName.Parameters.AddWithValue("owner", owner);
            lockName.Parameters.AddWithValue("name", name);
            await lockName.ExecuteNonQueryAsync(ct);
        }
        await using var find = new NpgsqlCommand(FindSql, tx.Connection, tx);
        find.Parameters.AddWithValue("owner", owner);
        find.Parameters.AddWithValue("name", name);
        find.Parameters.AddWithValue("id", containerId);
        return await find.ExecuteScalarAsync(ct) is Guid other
            ? Rejection.InvalidTransition($"you already have a container named '{name}' ({other}); choose another name, or delete that container first")
            : null;
    }
}
