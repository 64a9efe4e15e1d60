using ZeroLagHub.EventStore.Daemon;
using ZeroLagHub.EventStore.Queue;

namespace ZeroLagHub.Api.Extensions;

/// <summary>
/// Creates the projections' tables (inline ones must exist before the first append), then runs the
/// message worker until shutdown. Registered after the schema migration and before Marten's daemon,
/// and hosted services start in order.
/// </summary>
public sealed class ControlPlaneRunner(ProjectionAdmin projections, MessageWorker worker) : IHostedService
{
    private readonly CancellationTokenSource _stop = new();
    private Task _running = Task.CompletedTask;

    public async Task StartAsync(CancellationToken ct)
    {
        await projections.EnsureAsync(ct);
        _running = Task.Run(() => worker.RunAsync(_stop.Token), CancellationToken.None);
    }

    public async Task StopAsync(CancellationToken ct)
    {
        await _stop.CancelAsync();
        await _running.WaitAsync(ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }
}
