using ZeroLagHub.Domain.Agent;

namespace ZeroLagHub.Domain.Containers;

/// <summary>What <see cref="JournalIngestion.Plan"/> decided for one page.</summary>
/// <param name="Reset">Recorded before <paramref name="Entries"/>, when the journal was replaced or rewound.</param>
/// <param name="Next">The cursor once these are written.</param>
/// <remarks>Nothing to write when <paramref name="Next"/> equals the cursor it was planned from.</remarks>
public sealed record JournalPlan(AgentJournalReset? Reset, IReadOnlyList<JournalEntry> Entries, JournalCursor Next);
