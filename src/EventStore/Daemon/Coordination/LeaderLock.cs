using Npgsql;

namespace ZeroLagHub.EventStore.Daemon.Coordination;

/// <summary>
/// Leadership of one projection across the cluster: a session advisory lock held on a dedicated,
/// non-pooled connection. (A pooled connection would keep the session lock after Dispose, held by
/// nobody.) The same connection LISTENs for other nodes' commit signals, and a watchdog proves it alive
/// every second; when it fails, <see cref="Lost"/> fires and the leader stops at once.
/// </summary>
internal sealed class LeaderLock : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly CancellationTokenSource _lost = new();
    private readonly CancellationTokenSource _stopWatchdog = new();
    private Task _watchdog = Task.CompletedTask;

    private LeaderLock(NpgsqlConnection connection) => _connection = connection;

    /// <summary>Fires when the lock's connection is gone: another node may already lead.</summary>
    public CancellationToken Lost => _lost.Token;

    /// <summary>The backend holding the lock, for status and for tests that cut it.</summary>
    public int BackendPid => _connection.ProcessID;

    public static async Task<LeaderLock?> TryAcquireAsync(NpgsqlDataSource dataSource, string name, DaemonOptions options,
        CommitSignal signal, CancellationToken ct)
    {
        var builder = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString)
        {
            Pooling = false,
            TcpKeepAlive = true,
            TcpKeepAliveTime = options.KeepAliveIdleSeconds,
            TcpKeepAliveInterval = options.KeepAliveIntervalSeconds,
            ApplicationName = $"zlh-leader:{name}",
            // The server side matters most: it is the server that must notice a dead leader and free the lock.
            Options = $"-c tcp_keepalives_idle={options.KeepAliveIdleSeconds} -c tcp_keepalives_interval={options.KeepAliveIntervalSeconds} " +
                      $"-c tcp_keepalives_count={options.KeepAliveCount} " +
                      $"-c tcp_user_timeout={(options.KeepAliveIdleSeconds + options.KeepAliveIntervalSeconds * options.KeepAliveCount) * 1000}",
        };
        var connection = DedicatedConnection.Create(dataSource, builder);
        try
        {
            await connection.OpenAsync(ct);
            await using var tryLock = new NpgsqlCommand($"SELECT pg_try_advisory_lock(@key); LISTEN {CommitSignal.Channel};", connection);
            tryLock.Parameters.AddWithValue("key", LeaderKey.Of(name));
            if (!(bool)(await tryLock.ExecuteScalarAsync(ct))!)
            {
                await connection.DisposeAsync();
                return null;
            }
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }

        var leader = new LeaderLock(connection);
        connection.Notification += (_, _) => signal.RaiseLocal();
        leader._watchdog = leader.WatchAsync(options.LeaderCheckInterval);
        return leader;
    }

    private async Task WatchAsync(TimeSpan interval)
    {
        var stop = _stopWatchdog.Token;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await _connection.WaitAsync(interval, stop);       // delivers notifications in between
                // Shorter than the server's tcp_user_timeout: across a partition (no RST) we stop before
                // the server frees the lock for another node.
                await using var ping = new NpgsqlCommand("SELECT 1", _connection) { CommandTimeout = 3 };
                await ping.ExecuteScalarAsync(stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (Exception)
        {
            // Broken connection, terminated backend, server restart: the lock is gone with it.
            await _lost.CancelAsync();
        }
    }

    private int _disposed;

    /// <summary>Releases the lock (closes its connection). Safe to call twice.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await _stopWatchdog.CancelAsync();
        await _watchdog;
        // Closing the non-pooled connection ends the session and releases the lock.
        await _connection.DisposeAsync();
        _lost.Dispose();
        _stopWatchdog.Dispose();
    }
}
