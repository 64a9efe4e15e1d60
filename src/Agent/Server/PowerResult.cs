using ZeroLagHub.Domain.Agent;

namespace ZeroLagHub.Agent.Server;

/// <summary>A power action's answer.</summary>
/// <param name="Outcome">What it did: started, already running, stopped, already offline, killed, restarted, crashed on start.</param>
public sealed record PowerResult(string Action, string Outcome, ServerProcessStatus Server);
