using ZeroLagHub.EventStore.Reading;

namespace ZeroLagHub.EventStore.Auditing;

/// <summary>Every stream's head as one consistent snapshot saw them.</summary>
/// <param name="LastEvent">The last event of the log in that snapshot (<see cref="LogPosition.Start"/> for an empty store).</param>
public sealed record HeadsSnapshot(LogPosition LastEvent, IReadOnlyList<StreamHead> Heads);
