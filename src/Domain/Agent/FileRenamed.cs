namespace ZeroLagHub.Domain.Agent;

/// <summary><c>POST /files/rename?from=&amp;to=</c>: the entry at <paramref name="From"/> is now at <paramref name="To"/>.</summary>
public sealed record FileRenamed(string From, string To);
