using JasperFx.Events.Daemon.HighWater;
using Marten.Events.Daemon.HighWater;

namespace ZeroLagHub.Api.Storage.Marten;

/// <summary>
/// The async daemon's wake-up (Marten's <c>DaemonSettings.Wakeup</c>): Marten's LISTEN on its channel, which hears
/// every node's <see cref="AppendNotifier"/>, plus an in-process signal for this node's own commits, so when the daemon
/// runs where the append happened it wakes without waiting for the NOTIFY's round trip (on a CPU-starved machine the
/// task that sends it can queue for tens of milliseconds).
/// </summary>
public sealed class DaemonWakeup(PostgresqlListenWakeup listen) : IDaemonWakeup
{
    private readonly SemaphoreSlim _local = new(0);
    private bool _listening; // only the daemon's one high-water loop waits here

    /// <summary>This process committed events.</summary>
    public void Signal()
    {
        // One pending release is enough: the daemon reads everything up to the high-water mark when it wakes.
        if (_local.CurrentCount == 0) _local.Release();
    }

    public async Task WaitAsync(TimeSpan timeout, CancellationToken token)
    {
        if (!_listening)
        {
            // The first wait opens the LISTEN connection: not raced, so no local signal cancels it half-open.
            await listen.WaitAsync(timeout, token);
            _listening = true;
            return;
        }
        // As Marten's wake-up drains its own: a signal from before this wait was covered by the pass just made.
        while (_local.CurrentCount > 0) await _local.WaitAsync(0, token);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(token);
        var heard = listen.WaitAsync(timeout, either.Token);
        var local = _local.WaitAsync(timeout, either.Token);
        await Task.WhenAny(heard, local);
        await either.CancelAsync();
        try
        {
            await Task.WhenAll(heard, local);
        }
        catch (OperationCanceledException) when (!token.IsCancellationRequested)
        {
            // The other one, stopped because the first woke us.
        }
    }

    public void Dispose()
    {
        listen.Dispose();
        _local.Dispose();
    }
}
