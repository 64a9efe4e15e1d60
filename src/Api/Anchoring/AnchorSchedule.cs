using Microsoft.Extensions.Options;

namespace ZeroLagHub.Api.Anchoring;

/// <summary>
/// Writes an anchor every <see cref="AnchorOptions.Interval"/>. Every API node does so: anchors are
/// idempotent facts about the database, and one node per interval would need a coordination step
/// that a few extra files do not justify.
/// </summary>
public sealed class AnchorSchedule(Anchors anchors, AnchorKey key, IOptions<AnchorOptions> options, TimeProvider time,
    ILogger<AnchorSchedule> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.Interval;
        if (interval <= TimeSpan.Zero) return;
        AnchorLog.Scheduled(logger, interval, anchors.Directory, key.ToString());
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await anchors.WriteAsync(stoppingToken);
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    // A database or disk hiccup must not end the schedule; the next tick tries again.
                    AnchorLog.ScheduledFailed(logger, interval, e);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }
}
