namespace ZeroLagHub.Api.Agents;

/// <summary>The agent could not be reached: transient, so the message that needed it is retried.</summary>
public sealed class AgentUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
