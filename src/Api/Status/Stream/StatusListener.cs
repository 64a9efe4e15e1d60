using System.Threading.Channels;
using ZeroLagHub.Projections.Status;

namespace ZeroLagHub.Api.Status.Stream;

/// <summary>
/// One status stream's inbox: the live changes <see cref="StatusFeed"/> hands it, and a "catch up" flag for
/// when some may have been missed (the inbox was full, or Redis pub/sub was away). Catching up re-reads
/// PostgreSQL after the stream's cursor, which covers whatever was dropped, so nothing is ever lost.
/// </summary>
/// <param name="owner">Whose containers the stream shows; null for an admin (everyone's).</param>
public sealed class StatusListener(Guid? owner)
{
    private const int Capacity = 256;

    private readonly Channel<StatusChange> _inbox = Channel.CreateBounded<StatusChange>(
        new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private int _catchUp;

    /// <summary>Called by the feed, on Redis's receive loop: never waits.</summary>
    public void Offer(StatusChange change)
    {
        if (owner is { } id && !OwnedBy(change, id)) return;
        if (!_inbox.Writer.TryWrite(change)) CatchUpLater();
    }

    /// <summary>Set before the wake-up is written, so the reader sees it before any change that follows.</summary>
    public void CatchUpLater()
    {
        Interlocked.Exchange(ref _catchUp, 1);
        _inbox.Writer.TryWrite(Wake);
    }

    /// <summary>Whether a catch-up was asked for since the last call; clears the request.</summary>
    public bool TakeCatchUp() => Interlocked.Exchange(ref _catchUp, 0) == 1;

    public ChannelReader<StatusChange> Inbox => _inbox.Reader;

    /// <summary>A change that carries nothing: it only wakes the reader to look at the catch-up flag.</summary>
    public static readonly StatusChange Wake = new(Guid.Empty, -1, 0, default);

    private static bool OwnedBy(StatusChange change, Guid owner) =>
        change.Status.TryGetProperty("owner", out var value) && Guid.TryParse(value.GetString(), out var id) && id == owner;
}
