using Npgsql;
using ZeroLagHub.Api.Storage;

namespace ZeroLagHub.Api.Agents.Polling;

/// <summary>
/// The poll shards this node holds: session advisory locks <c>(ClassId, shard)</c> on one dedicated,
/// non-pooled connection with TCP keepalives, so a dead node's locks go with its session and another
/// node takes its shards at its next refresh. Every node also holds the shared lock
/// <c>(ClassId, Members)</c>, which lets each count the live nodes and keep only its fair share
/// (⌈shards / nodes⌉): a node that joins gets shards released by the others.
/// </summary>
/// <remarks>
/// Used by one poll loop at a time: the loop refreshes, then polls what it holds, so a shard released
/// here is not polled afterwards. A lock lost between refreshes (a dropped connection) can overlap with
/// its next holder for up to one period; the journal cursor's row lock keeps that overlap harmless.
/// </remarks>
public sealed class ShardLeases(NpgsqlDataSource dataSource, string nodeName) : IAsyncDisposable
{
    /// <summary>"ZLP": pg_locks shows the poll shards as classid = 0x5A4C50, objid = shard.</summary>
    public const int ClassId = 0x5A4C50;

    /// <summary>The membership lock's objid: outside the shard numbers.</summary>
    internal const int Members = 1000;

    /// <summary>The shard connection's <c>application_name</c> is this and the node's name (PostgreSQL keeps 63 bytes of it).</summary>
    internal const string ApplicationNamePrefix = "zlh-poller:";

    private readonly SortedSet<int> _held = [];
    private NpgsqlConnection? _connection;

    /// <summary>The shards held after the last refresh.</summary>
    public IReadOnlyCollection<int> Held => _held;

    /// <summary>Proves the connection alive (reopening it, and losing every shard, when it is not), then takes or gives back shards.</summary>
    /// <returns>The shards to poll now.</returns>
    public async Task<IReadOnlyCollection<int>> RefreshAsync(CancellationToken ct)
    {
        try
        {
            var connection = await ConnectAsync(ct);
            var share = (int)Math.Ceiling(PollShards.Count / (double)await CountNodesAsync(connection, ct));
            foreach (var shard in _held.Reverse().Take(Math.Max(0, _held.Count - share)).ToList())
            {
                await ExecuteAsync(connection, "SELECT pg_advisory_unlock(@class, @shard)", shard, ct);
                _held.Remove(shard);
            }
            for (var shard = 0; shard < PollShards.Count && _held.Count < share; shard++)
            {
                if (!_held.Contains(shard) && await ExecuteAsync(connection, "SELECT pg_try_advisory_lock(@class, @shard)", shard, ct))
                    _held.Add(shard);
            }
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            // The session (and so every lock) may be gone: hold nothing until a new connection takes shards again.
            await DropConnectionAsync();
            throw;
        }
        return [.. _held];
    }

    private async Task<NpgsqlConnection> ConnectAsync(CancellationToken ct)
    {
        if (_connection is { } open)
        {
            await using var ping = new NpgsqlCommand("SELECT 1", open) { CommandTimeout = 3 };
            await ping.ExecuteScalarAsync(ct);
            return open;
        }
        var builder = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString)
        {
            // Pooled connections keep session locks after Dispose, held by nobody.
            Pooling = false,
            TcpKeepAlive = true,
            TcpKeepAliveTime = 5,
            TcpKeepAliveInterval = 2,
            ApplicationName = ApplicationNamePrefix + nodeName,
            // The server must notice a dead node to free its shards: about idle + interval × count seconds.
            Options = "-c tcp_keepalives_idle=5 -c tcp_keepalives_interval=2 -c tcp_keepalives_count=3 -c tcp_user_timeout=11000",
        };
        var connection = DedicatedConnection.Create(dataSource, builder);
        await connection.OpenAsync(ct);
        _connection = connection;
        await ExecuteAsync(connection, "SELECT pg_advisory_lock_shared(@class, @shard)", Members, ct);
        return connection;
    }

    /// <summary>Nodes holding the membership lock in this database, this one included.</summary>
    private static async Task<int> CountNodesAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var count = new NpgsqlCommand("""
            SELECT count(DISTINCT pid) FROM pg_locks
             WHERE locktype = 'advisory' AND granted AND objsubid = 2
               AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
               AND classid = @class::oid AND objid = @members::oid
            """, connection);
        count.Parameters.AddWithValue("class", (long)ClassId);
        count.Parameters.AddWithValue("members", (long)Members);
        return Math.Max(1, (int)(long)(await count.ExecuteScalarAsync(ct))!);
    }

    private static async Task<bool> ExecuteAsync(NpgsqlConnection connection, string sql, int shard, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("class", ClassId);
        command.Parameters.AddWithValue("shard", shard);
        return await command.ExecuteScalarAsync(ct) is true;
    }

    private async Task DropConnectionAsync()
    {
        _held.Clear();
        if (_connection is { } connection)
        {
            _connection = null;
            await connection.DisposeAsync();
        }
    }

    /// <summary>Closes the connection, which frees every shard for the other nodes at once.</summary>
    public ValueTask DisposeAsync() => new(DropConnectionAsync());
}
