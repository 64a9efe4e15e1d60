using ZeroLagHub.EventStore.Queue;

namespace ZeroLagHub.Api.Extensions;

/// <summary>
/// Runs the message worker until shutdown.
/// </summary>
public sealed class ControlPlaneRunner(MessageWorker worker) : IHostedService
{
    private readonly CancellationTokenSource _stop = new();
    private Task _running = Task.CompletedTask;

    public Task StartAsync(CancellationToken ct)
    {
        _running = Task.Run(() => worker.RunAsync(_stop.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken ct)
    {
        await _stop.CancelAsync();
        await _running.WaitAsync(ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }
}
