namespace ZeroLagHub.Projections.Events;

/// <summary>
/// A place in the gap-free global order: the inserting transaction id, then the event's position.
/// Checkpoint both parts. Position alone is not an order readers can resume from: a transaction
/// that took a lower position may commit after a higher one was already read.
/// </summary>
public readonly record struct LogPosition(ulong TransactionId, long Position) : IComparable<LogPosition>
{
    /// <summary>Before the first event.</summary>
    public static LogPosition Start { get; } = new(0, 0);

    public int CompareTo(LogPosition other) =>
        TransactionId != other.TransactionId ? TransactionId.CompareTo(other.TransactionId) : Position.CompareTo(other.Position);

    public static bool operator <(LogPosition a, LogPosition b) => a.CompareTo(b) < 0;
    public static bool operator >(LogPosition a, LogPosition b) => a.CompareTo(b) > 0;
    public static bool operator <=(LogPosition a, LogPosition b) => a.CompareTo(b) <= 0;
    public static bool operator >=(LogPosition a, LogPosition b) => a.CompareTo(b) >= 0;

    public override string ToString() => $"{TransactionId}:{Position}";
}
