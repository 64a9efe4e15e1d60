using System.Text.Json;

namespace ZeroLagHub.Domain.Agent;

/// <summary>
/// One fact the control plane must not miss, as the agent journalled it. Ingested idempotently on
/// (container id, journal id, seq).
/// </summary>
/// <param name="Kind">A stable name such as <c>install.succeeded</c> or <c>codeserver.died</c>.</param>
/// <param name="Data">The fact's details (JSON object).</param>
public sealed record JournalEntry(long Seq, DateTimeOffset At, string Kind, JsonElement Data);

/// <summary><c>GET /journal?after=N&amp;limit=M</c>.</summary>
public sealed record JournalPage(Guid JournalId, long LatestSeq, IReadOnlyList<JournalEntry> Entries);
