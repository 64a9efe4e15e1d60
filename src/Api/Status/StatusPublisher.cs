using Npgsql;
using ZeroLagHub.Projections.Redis;
using ZeroLagHub.Projections.Status;

namespace ZeroLagHub.Api.Status;

/// <summary>
/// Copies every changed <c>container_status</c> row to Redis <c>status:&lt;id&gt;</c> (which also publishes it on
/// <see cref="LiveStatusCache.ChangesChannel"/>). The cursor lives in memory and starts at the beginning on every
/// start: re-publishing is harmless, since the cache refuses an older change id and re-applies an equal one.
/// When Redis or PostgreSQL is away the cursor stays put and the same rows are tried again a period later.
/// </summary>
public sealed partial class StatusPublisher(NpgsqlDataSource db, LiveStatusCache cache, TimeProvider time, ILogger<StatusPublisher> log)
    : BackgroundService
{
    /// <summary>How often the view is read: the projection writes asynchronously, so a commit signal alone would come too early.</summary>
    public static readonly TimeSpan Period = TimeSpan.FromMilliseconds(250);

    private const int BatchSize = 500;
    private ulong _transaction;
    private long _position;
    private bool _failing;

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(Period, time);
        try
        {
            do
            {
                try
                {
                    // A full batch means more may be waiting: go on without waiting for the timer.
                    while (await PublishBatchAsync(stop) == BatchSize) { }
                    if (_failing) LogPublishRecovered(log);
                    _failing = false;
                }
                catch (Exception e) when (e is RedisException or NpgsqlException)
                {
                    // Once per outage, not four times a second.
                    if (!_failing) LogPublishFailed(log, e.Message);
                    _failing = true;
                }
            }
            while (await timer.WaitForNextTickAsync(stop));
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private async Task<int> PublishBatchAsync(CancellationToken ct)
    {
        var rows = await ReadStatusChanges.ExecuteAsync(db, _transaction, _position, BatchSize, ct);
        foreach (var row in rows)
        {
            await cache.SetStatusAsync(row.ContainerId, row.Json, row.Position, ct);
            // Moved after each row, so a failure mid-batch retries only what was not written.
            (_transaction, _position) = (row.TransactionId, row.Position);
        }
        return rows.Count;
    }

    [LoggerMessage(EventId = 720, Level = LogLevel.Warning, Message = "Publishing container status to Redis failed, retrying shortly: {Reason}")]
    private static partial void LogPublishFailed(ILogger log, string reason);

    [LoggerMessage(EventId = 721, Level = LogLevel.Information, Message = "Publishing container status to Redis works again")]
    private static partial void LogPublishRecovered(ILogger log);
}
