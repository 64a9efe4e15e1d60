using ZeroLagHub.Domain.Servers;

namespace ZeroLagHub.Agent.Server;

/// <summary>What supervision must remember across agent restarts (the holder remembers the live server itself).</summary>
/// <param name="State">Only <see cref="ServerState.Crashed"/> and <see cref="ServerState.Error"/> are kept; others are re-derived from the holder.</param>
/// <param name="RestartAt">A scheduled restart after a crash, resumed by a restarted agent.</param>
public sealed record SupervisionRecord(
    ServerState State = ServerState.Offline,
    int ConsecutiveCrashes = 0,
    ServerCrash? LastCrash = null,
    DateTimeOffset? RestartAt = null);
