namespace ZeroLagHub.Domain.Containers;

/// <summary>How far a container's agent journal has been ingested: entries up to <paramref name="Seq"/> of journal <paramref name="JournalId"/>.</summary>
/// <param name="JournalId">Null before the first ingestion.</param>
public sealed record JournalCursor(Guid? JournalId, long Seq)
{
    public static JournalCursor Start { get; } = new(null, 0);
}
