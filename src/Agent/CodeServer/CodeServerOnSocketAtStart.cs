namespace ZeroLagHub.Agent.CodeServer;

/// <summary>
/// At agent start-up, after the host is up: <see cref="CodeServerSupervisor.ReplaceIfNotOnSocketAsync"/>, so that a
/// code-server an older agent left listening on a loopback port does not stay reachable by every local user.
/// </summary>
internal sealed class CodeServerOnSocketAtStart(CodeServerSupervisor supervisor, ILogger<CodeServerOnSocketAtStart> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();   // the /proc scan must not hold up the host's start
        try { await supervisor.ReplaceIfNotOnSocketAsync(stoppingToken); }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Never fatal: an exception escaping a BackgroundService would stop the agent.
            log.ReplaceFailed(e);
        }
    }
}
