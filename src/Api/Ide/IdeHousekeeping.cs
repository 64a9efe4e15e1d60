using ZeroLagHub.Api.Auth.SingleUse;
using ZeroLagHub.Api.Ide.Sessions;

namespace ZeroLagHub.Api.Ide;

/// <summary>
/// Deletes what can no longer be used: spent token ids past their expiry, revoked and idle IDE sessions.
/// Every node runs it; the deletes are idempotent, so no leader is needed.
/// </summary>
public sealed partial class IdeHousekeeping(SingleUseTokens usedTokens, IdeSessions sessions, TimeProvider clock, ILogger<IdeHousekeeping> log)
    : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try { await RunOnceAsync(stoppingToken); }
            catch (Npgsql.NpgsqlException e) { LogFailed(log, e); }
        }
    }

    /// <summary>One pass; returns (token ids, sessions) deleted.</summary>
    public async Task<(int Tokens, int Sessions)> RunOnceAsync(CancellationToken ct)
    {
        var tokens = await usedTokens.DeleteExpiredAsync(clock.GetUtcNow(), ct);
        var ended = await sessions.DeleteEndedAsync(ct);
        if (tokens + ended > 0) LogDeleted(log, tokens, ended);
        return (tokens, ended);
    }

    [LoggerMessage(EventId = 810, Level = LogLevel.Debug, Message = "Deleted {Tokens} spent token id(s) and {Sessions} ended IDE session(s)")]
    private static partial void LogDeleted(ILogger log, int tokens, int sessions);

    [LoggerMessage(EventId = 811, Level = LogLevel.Warning, Message = "IDE housekeeping failed; retrying at the next interval")]
    private static partial void LogFailed(ILogger log, Exception exception);
}
