using System.Threading.Channels;
using Marten.Events.Daemon.HighWater;
using Npgsql;
using ZeroLagHub.Api.Storage.Marten;
using ZeroLagHub.Domain.Containers;
using ZeroLagHub.Projections.Events;

namespace ZeroLagHub.Api.Tests.Storage.Marten;

/// <summary>
/// How appends wake Marten's daemon (issue 18): not by a NOTIFY inside the append transaction, which made
/// PostgreSQL serialise the commits of concurrent appends, but by the <see cref="AppendNotifier"/>'s NOTIFY on
/// Marten's channel after the commit. Notifications arrive in commit order, so a marker sent after an append
/// committed shows what that transaction itself notified without waiting for anything to not happen.
/// </summary>
public sealed class DaemonWakeupTests(ApiDatabase db) : IClassFixture<ApiDatabase>
{
    private const string Marker = "test-marker";

    [Fact]
    public async Task AnAppendTransactionSendsNoNotifyOfItsOwn()
    {
        await using var node = await MartenNode.StartAsync(db.ConnectionString, "zlh-node-wakeup-1");
        await using var listener = await Listener.StartAsync(db.DataSource);

        await using (var connection = await node.DataSource.OpenConnectionAsync())
        await using (var tx = await connection.BeginTransactionAsync())
        {
            await node.Store.AppendAsync(tx, Guid.NewGuid().ToString(), ExpectedVersion.NoStream, [Offline()]);
            await tx.CommitAsync();
        }
        await NotifyAsync(Marker);

        var before = await listener.UntilAsync(Marker);
        // Marten's own NOTIFY (empty payload) would be delivered at the append's commit, before the marker.
        Assert.DoesNotContain("", before);
    }

    [Fact]
    public async Task ACommittedAppendWakesTheDaemonsChannel()
    {
        await using var node = await MartenNode.StartAsync(db.ConnectionString, "zlh-node-wakeup-2");
        await using var listener = await Listener.StartAsync(db.DataSource);

        await node.Store.AppendAsync(Guid.NewGuid().ToString(), ExpectedVersion.NoStream, [Offline()]);

        await listener.UntilAsync(AppendNotifier.Payload);
    }

    private static AgentWentOffline Offline() => new(DateTimeOffset.UnixEpoch);

    private async Task NotifyAsync(string payload)
    {
        await using var command = db.DataSource.CreateCommand("SELECT pg_notify(@channel, @payload)");
        command.Parameters.AddWithValue("channel", PostgresqlListenWakeup.DefaultChannel);
        command.Parameters.AddWithValue("payload", payload);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>LISTENs on Marten's channel on a connection of its own and keeps every payload in arrival order.</summary>
    private sealed class Listener : IAsyncDisposable
    {
        private readonly NpgsqlConnection _connection;
        private readonly Channel<string> _payloads = Channel.CreateUnbounded<string>();
        private readonly CancellationTokenSource _stop = new();
        private Task _pump = Task.CompletedTask;

        private Listener(NpgsqlConnection connection) => _connection = connection;

        public static async Task<Listener> StartAsync(NpgsqlDataSource dataSource)
        {
            var listener = new Listener(await dataSource.OpenConnectionAsync());
            listener._connection.Notification += (_, e) => listener._payloads.Writer.TryWrite(e.Payload);
            await using (var listen = new NpgsqlCommand($"LISTEN {PostgresqlListenWakeup.DefaultChannel}", listener._connection))
                await listen.ExecuteNonQueryAsync();
            listener._pump = Task.Run(async () =>
            {
                while (!listener._stop.IsCancellationRequested) await listener._connection.WaitAsync(listener._stop.Token);
            });
            return listener;
        }

        /// <summary>The payloads received before <paramref name="payload"/>, once it arrived.</summary>
        public async Task<List<string>> UntilAsync(string payload)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var before = new List<string>();
            while (await _payloads.Reader.ReadAsync(timeout.Token) is var received && received != payload) before.Add(received);
            return before;
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _pump.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await _connection.DisposeAsync();
            _stop.Dispose();
        }
    }
}
