using Npgsql;
using ZeroLagHub.Domain;
using ZeroLagHub.Projections.Status;

namespace ZeroLagHub.Api.Status.Stream;

/// <summary>
/// One client's status stream. It first sends either a <c>snapshot</c> event (every container, as a JSON array)
/// or, when resuming from a Last-Event-ID, a <c>status</c> event for each container changed since; then a
/// <c>status</c> event per change. Every event's id is the <see cref="StatusCursor"/> it brings the client to.
/// </summary>
/// <remarks>
/// Nothing is missed between the catch-up and the live changes: the stream listens before it reads
/// PostgreSQL, and drops live changes at or below what it has sent, since the projection writes rows in
/// cursor order and a change published later always has a greater cursor. Whatever the live path may have
/// dropped (a full inbox, Redis away) is re-read from PostgreSQL after the cursor.
/// </remarks>
public sealed class StatusStream(NpgsqlDataSource db, StatusFeed feed, TimeProvider time)
{
    public static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    /// <summary>How often PostgreSQL is read while no live feed is connected (no Redis, or Redis is down).</summary>
    public static readonly TimeSpan PollWithoutFeed = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan ClientRetry = TimeSpan.FromSeconds(3);
    private const int PageSize = 500;
    private static readonly string DeletedState = EnumNames.Of(ContainerStatusState.Deleted);

    /// <param name="owner">Whose containers; null for everyone's.</param>
    /// <param name="resume">The last event id the client received; null for a snapshot.</param>
    public async Task RunAsync(HttpResponse response, Guid? owner, StatusCursor? resume, CancellationToken ct)
    {
        var listener = feed.Listen(owner);
        try
        {
            var events = new EventStreamWriter(response);
            await events.RetryAsync(ClientRetry, ct);
            var cursor = resume is { } from ? await CatchUpAsync(events, owner, from, ct) : await SnapshotAsync(events, owner, ct);
            var quietSince = time.GetTimestamp();
            while (true)
            {
                if (!await WaitAsync(listener, feed.IsLive ? KeepAlive : PollWithoutFeed, ct))
                {
                    var before = cursor;
                    if (!feed.IsLive) cursor = await CatchUpAsync(events, owner, cursor, ct);
                    if (cursor != before) quietSince = time.GetTimestamp();
                    else if (time.GetElapsedTime(quietSince) >= KeepAlive)
                    {
                        await events.CommentAsync("keepalive", ct);
                        quietSince = time.GetTimestamp();
                    }
                    continue;
                }
                while (listener.Inbox.TryRead(out var change))
                {
                    if (listener.TakeCatchUp()) cursor = await CatchUpAsync(events, owner, cursor, ct);
                    if (ReferenceEquals(change, StatusListener.Wake) || change.Cursor <= cursor) continue;
                    await events.EventAsync("status", change.Cursor.ToString(), change.Status.GetRawText(), ct);
                    cursor = change.Cursor;
                }
                quietSince = time.GetTimestamp();
            }
        }
        finally
        {
            feed.Leave(listener);
        }
    }

    /// <summary>True when the inbox has something; false after <paramref name="timeout"/> without.</summary>
    private async Task<bool> WaitAsync(StatusListener listener, TimeSpan timeout, CancellationToken ct)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
        wait.CancelAfter(timeout);
        try
        {
            return await listener.Inbox.WaitToReadAsync(wait.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return false;
        }
    }

    private async Task<StatusCursor> SnapshotAsync(EventStreamWriter events, Guid? owner, CancellationToken ct)
    {
        var (rows, cursor) = await ReadAfterAsync(owner, StatusCursor.Start, ct);
        // Long-deleted containers are history, not status; a deletion that happens later arrives as a change.
        var current = rows.Where(row => row.State != DeletedState).Select(row => row.Json);
        await events.EventAsync("snapshot", cursor.ToString(), "[" + string.Join(",", current) + "]", ct);
        return cursor;
    }

    private async Task<StatusCursor> CatchUpAsync(EventStreamWriter events, Guid? owner, StatusCursor after, CancellationToken ct)
    {
        var (rows, cursor) = await ReadAfterAsync(owner, after, ct);
        foreach (var row in rows) await events.EventAsync("status", row.Cursor.ToString(), row.Json, ct);
        return cursor;
    }

    private async Task<(List<StatusRowChange> Rows, StatusCursor Cursor)> ReadAfterAsync(Guid? owner, StatusCursor after, CancellationToken ct)
    {
        var rows = new List<StatusRowChange>();
        while (true)
        {
            var page = await ReadStatusChanges.ExecuteAsync(db, rows.Count > 0 ? rows[^1].Cursor : after, PageSize, ct, owner);
            rows.AddRange(page);
            if (page.Count < PageSize) return (rows, rows.Count > 0 ? rows[^1].Cursor : after);
        }
    }
}
