namespace ZeroLagHub.Agent.Holder;

/// <summary>What a holder says about itself when an agent connects.</summary>
/// <param name="ServerPid">The game server's pid (a session leader on the holder's PTY).</param>
/// <param name="StartedAt">When the holder started it (holder's wall clock).</param>
public sealed record HolderHello(int HolderPid, int ServerPid, DateTimeOffset StartedAt);
