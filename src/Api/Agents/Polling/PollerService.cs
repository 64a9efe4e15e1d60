using System.Diagnostics;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ZeroLagHub.Api.Agents.Polling;

/// <summary>
/// Runs <see cref="AgentPoller"/> every <see cref="PollerOptions.Period"/>; a cycle that overruns the period is logged as slipped.
/// A failed cycle is logged and the next period polls again: an exception escaping here would stop the whole API
/// (the host's default <c>BackgroundServiceExceptionBehavior.StopHost</c>).
/// </summary>
public sealed partial class PollerService(AgentPoller poller, IOptions<PollerOptions> options, TimeProvider time, ILogger<PollerService> log)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        var period = options.Value.Period;
        using var timer = new PeriodicTimer(period, time);
        try
        {
            do
            {
                var clock = Stopwatch.StartNew();
                try
                {
                    var cycle = await poller.PollOnceAsync(stop);
                    LogCycle(log, cycle.Polled, cycle.Unreachable, cycle.Failed, cycle.EventsWritten, clock.ElapsedMilliseconds);
                }
                catch (Exception e) when (e is NpgsqlException or TimeoutException)
                {
                    // The database is away: the cycle is lost, nothing is half-written; try again next period.
                    LogCycleFailed(log, e.Message);
                }
                catch (Exception e) when (e is not OperationCanceledException || !stop.IsCancellationRequested)
                {
                    // Anything else (a bug, a broken row): the same, with the exception for whoever fixes it.
                    LogCycleError(log, e);
                }
                if (clock.Elapsed > period) LogSlipped(log, clock.ElapsedMilliseconds, period.TotalMilliseconds);
            }
            while (await timer.WaitForNextTickAsync(stop));
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(EventId = 710, Level = LogLevel.Debug, Message = "Poll cycle: {Polled} agents, {Unreachable} unreachable, {Failed} failed, {Events} events in {Milliseconds} ms")]
    private static partial void LogCycle(ILogger log, int polled, int unreachable, int failed, int events, long milliseconds);

    [LoggerMessage(EventId = 711, Level = LogLevel.Warning, Message = "Poll cycle failed, next one in a period: {Reason}")]
    private static partial void LogCycleFailed(ILogger log, string reason);

    [LoggerMessage(EventId = 713, Level = LogLevel.Error, Message = "Poll cycle failed, next one in a period")]
    private static partial void LogCycleError(ILogger log, Exception exception);

    [LoggerMessage(EventId = 712, Level = LogLevel.Warning, Message = "Poll cycle slipped: took {Milliseconds} ms of a {Period} ms period")]
    private static partial void LogSlipped(ILogger log, long milliseconds, double period);
}
