using System.Text.Json;
using ZeroLagHub.Domain.Agent;
using ZeroLagHub.Domain.Containers;
using static ZeroLagHub.Domain.Tests.Containers.Scenario;

namespace ZeroLagHub.Domain.Tests.Containers;

public sealed class JournalIngestionTests
{
    private static readonly Guid Journal = Guid.Parse("6f1c2a34-0000-4000-8000-00000000f001");
    private static readonly Guid Restored = Guid.Parse("6f1c2a34-0000-4000-8000-00000000f002");

    private static JournalEntry Entry(long seq) => new(seq, T0.AddSeconds(seq), "server.running", JsonSerializer.SerializeToElement(new { pid = seq }));

    private static JournalPage Page(Guid journal, long latest, params long[] seqs) => new(journal, latest, [.. seqs.Select(Entry)]);

    [Fact]
    public void TheFirstPageIsTakenWholeWithoutAReset()
    {
        var plan = JournalIngestion.Plan(JournalCursor.Start, Page(Journal, 3, 1, 2, 3), T0);

        Assert.Null(plan.Reset);
        Assert.Equal([1L, 2, 3], plan.Entries.Select(e => e.Seq));
        Assert.Equal(new JournalCursor(Journal, 3), plan.Next);
    }

    [Fact]
    public void EntriesAtOrBelowTheCursorAreNotTakenAgain()
    {
        var plan = JournalIngestion.Plan(new JournalCursor(Journal, 2), Page(Journal, 4, 2, 3, 4), T0);

        Assert.Equal([3L, 4], plan.Entries.Select(e => e.Seq));
        Assert.Equal(new JournalCursor(Journal, 4), plan.Next);
    }

    [Fact]
    public void NothingNewLeavesTheCursorWhereItWas()
    {
        var cursor = new JournalCursor(Journal, 4);

        var plan = JournalIngestion.Plan(cursor, Page(Journal, 4), T0);

        Assert.Null(plan.Reset);
        Assert.Empty(plan.Entries);
        Assert.Equal(cursor, plan.Next);
    }

    [Fact]
    public void AnEntryPastAHoleWaitsForTheNextPage()
    {
        var plan = JournalIngestion.Plan(new JournalCursor(Journal, 1), Page(Journal, 5, 2, 4, 5), T0);

        Assert.Equal([2L], plan.Entries.Select(e => e.Seq));
        Assert.Equal(new JournalCursor(Journal, 2), plan.Next);
    }

    [Fact]
    public void ANewJournalIdIsRecordedAndItsEntriesAreTakenFromTheStart()
    {
        var plan = JournalIngestion.Plan(new JournalCursor(Journal, 9), Page(Restored, 2, 1, 2), T0);

        Assert.Equal(new AgentJournalReset(Journal, 9, Restored, 2, T0), plan.Reset);
        Assert.Equal([1L, 2], plan.Entries.Select(e => e.Seq));
        Assert.Equal(new JournalCursor(Restored, 2), plan.Next);
    }

    [Fact]
    public void ARewoundSeqIsRecordedAndTheCursorMovesBackToTheRestoredLatest()
    {
        var plan = JournalIngestion.Plan(new JournalCursor(Journal, 9), Page(Journal, 6), T0);

        Assert.Equal(new AgentJournalReset(Journal, 9, Journal, 6, T0), plan.Reset);
        Assert.Empty(plan.Entries);
        Assert.Equal(new JournalCursor(Journal, 6), plan.Next);
        // The next entry the restored agent writes (seq 7) is then ingested once.
        Assert.Equal([7L], JournalIngestion.Plan(plan.Next, Page(Journal, 7, 7), T0).Entries.Select(e => e.Seq));
    }
}
