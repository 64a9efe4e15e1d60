using Npgsql;
using StackExchange.Redis;
using ZeroLagHub.Projections.Multiplexer;
using ZeroLagHub.Projections.Status;

namespace ZeroLagHub.Api.Status;

/// <summary>
/// Copies every changed <c>container_status</c> row to Redis <c>status:&lt;id&gt;</c> (which also publishes it on
/// <see cref="LiveStatusCache.ChangesChannel"/>). The cursor lives in memory and starts at the beginning on every
/// start: re-publishing is harmless, since the cache refuses an older change id and re-applies an equal one.
/// When Redis or PostgreSQL is away the cursor stays put and the same rows are tried again a period later.
/// When a Redis connection is restored, Redis may have restarted empty (it keeps no data): everything is published again.
/// </summary>
public sealed partial class StatusPublisher : BackgroundService
{
    private readonly NpgsqlDataSource _db;
    private readonly LiveStatusCache _cache;
    private readonly TimeProvider _time;
    private readonly ILogger<StatusPublisher> _log;

    public StatusPublisher(NpgsqlDataSource db, LiveStatusCache cache, IConnectionMultiplexer redis, TimeProvider time, ILogger<StatusPublisher> log)
    {
        (_db, _cache, _time, _log) = (db, cache, time, log);
        // Either connection (commands, pub/sub) coming back may mean a restarted server; republishing twice is harmless.
        redis.ConnectionRestored += (_, _) => Volatile.Write(ref _republish, true);
    }

    /// <summary>How often the view is read: the projection writes asynchronously, so a commit signal alone would come too early.</summary>
    public static readonly TimeSpan Period = TimeSpan.FromMilliseconds(250);

    private const int BatchSize = 500;
    private StatusCursor _cursor = StatusCursor.Start;
    private bool _republish;
    private bool _failing;

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(Period, _time);
        try
        {
            do
            {
                try
                {
                    // A full batch means more may be waiting: go on without waiting for the timer.
                    while (await PublishBatchAsync(stop) == BatchSize) { }
                    if (_failing) LogPublishRecovered(_log);
                    _failing = false;
                }
                catch (Exception e) when (RedisMultiplexer.IsUnavailable(e) || e is NpgsqlException)
                {
                    // Once per outage, not four times a second.
                    if (!_failing) LogPublishFailed(_log, e.Message);
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
        if (Volatile.Read(ref _republish))
        {
            Volatile.Write(ref _republish, false);
            _cursor = StatusCursor.Start;
        }
        var rows = await ReadStatusChanges.ExecuteAsync(_db, _cursor, BatchSize, ct);
        foreach (var row in rows)
        {
            await _cache.SetStatusAsync(row.ContainerId, row.Json, row.Cursor, ct);
            // Moved after each row, so a failure mid-batch retries only what was not written.
            _cursor = row.Cursor;
        }
        return rows.Count;
    }

    [LoggerMessage(EventId = 720, Level = LogLevel.Warning, Message = "Publishing container status to Redis failed, retrying shortly: {Reason}")]
    private static partial void LogPublishFailed(ILogger log, string reason);

    [LoggerMessage(EventId = 721, Level = LogLevel.Information, Message = "Publishing container status to Redis works again")]
    private static partial void LogPublishRecovered(ILogger log);
}
