using ZeroLagHub.Domain.Agent;

namespace ZeroLagHub.Domain.Containers;

/// <summary>
/// What to ingest from one journal page given the cursor: the entries after it in seq order, and a
/// reset when the journal is a different one (new id) or was rewound (its latest seq is below the
/// cursor: a snapshot restore). Pure; the poller writes the result and the new cursor in one transaction.
/// </summary>
/// <remarks>
/// After a rewind the entries up to the restored journal's latest seq are the ones already ingested
/// (the snapshot's prefix), so the cursor moves back to it and ingestion goes on from there; the reset
/// event records that later seqs now name different entries. A page from a new journal must have been
/// read from seq 0.
/// </remarks>
public static class JournalIngestion
{
    /// <param name="page">Entries after <c>cursor.Seq</c> of the same journal, or after 0 when the journal id differs.</param>
    public static JournalPlan Plan(JournalCursor cursor, JournalPage page, DateTimeOffset now)
    {
        AgentJournalReset? reset = null;
        var from = cursor.Seq;
        if (cursor.JournalId is { } known && known != page.JournalId)
        {
            reset = new AgentJournalReset(known, cursor.Seq, page.JournalId, page.LatestSeq, now);
            from = 0;
        }
        else if (cursor.JournalId is not null && page.LatestSeq < cursor.Seq)
        {
            reset = new AgentJournalReset(cursor.JournalId, cursor.Seq, page.JournalId, page.LatestSeq, now);
            return new JournalPlan(reset, [], new JournalCursor(page.JournalId, page.LatestSeq));
        }

        // Only the gap-free run that continues the cursor: an entry past a hole waits for the next page.
        var entries = new List<JournalEntry>();
        foreach (var entry in page.Entries.Where(e => e.Seq > from).OrderBy(e => e.Seq))
        {
            if (entry.Seq != from + entries.Count + 1) break;
            entries.Add(entry);
        }
        return new JournalPlan(reset, entries, new JournalCursor(page.JournalId, from + entries.Count));
    }
}
