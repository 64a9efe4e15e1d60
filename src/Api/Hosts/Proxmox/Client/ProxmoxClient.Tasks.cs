using ZeroLagHub.Api.Hosts.Proxmox.Client.Models;

namespace ZeroLagHub.Api.Hosts.Proxmox.Client;

public sealed partial class ProxmoxClient
{
    /// <summary>
    /// Polls the task on the node named in its UPID: at once, then after <see cref="WaitTaskOptions.FirstDelay"/>
    /// growing by half each time to <see cref="WaitTaskOptions.MaxDelay"/>. Returns the final status
    /// when the task ends <c>OK</c> or <c>WARNINGS: N</c>.
    /// </summary>
    /// <exception cref="ProxmoxTaskFailedException">Any other exit status; carries the task log's last lines.</exception>
    /// <exception cref="ProxmoxTaskTimeoutException">Still running after <see cref="WaitTaskOptions.Timeout"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled (the task goes on in Proxmox).</exception>
    public async Task<ProxmoxTaskStatus> WaitTaskAsync(Upid upid, WaitTaskOptions? options = null, CancellationToken ct = default)
    {
        options ??= WaitTaskOptions.Default;
        var started = _time.GetTimestamp();
        var delay = options.FirstDelay;
        while (true)
        {
            var status = await GetTaskStatusAsync(upid, ct);
            if (status.IsStopped)
            {
                var exit = status.ExitStatus ?? "unknown";
                if (status.Succeeded)
                {
                    Log.TaskFinished(_log, upid.Value, exit);
                    return status;
                }
                Log.TaskFailed(_log, upid.Value, exit);
                throw new ProxmoxTaskFailedException(upid, exit, await GetTaskLogTailAsync(upid, options.LogTailLines, ct));
            }

            var remaining = options.Timeout - _time.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero)
                throw new ProxmoxTaskTimeoutException(upid, options.Timeout, await GetTaskLogTailAsync(upid, options.LogTailLines, ct));
            await Task.Delay(delay < remaining ? delay : remaining, _time, ct);
            delay = TimeSpan.FromTicks(Math.Min(options.MaxDelay.Ticks, delay.Ticks * 3 / 2));
        }
    }

    /// <summary>The last <paramref name="lines"/> lines of a task's log; empty when the log cannot be read (the failure is what matters).</summary>
    public async Task<IReadOnlyList<string>> GetTaskLogTailAsync(Upid upid, int lines, CancellationToken ct = default)
    {
        try
        {
            // Proxmox has no "tail": read a generous window and keep the end.
            var log = await GetTaskLogAsync(upid, 0, 5000, ct);
            return [.. log.OrderBy(l => l.N).TakeLast(lines).Select(l => l.T)];
        }
        catch (ProxmoxException)
        {
            return [];
        }
    }
}
