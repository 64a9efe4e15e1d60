using ZeroLagHub.Projections.Events;

namespace ZeroLagHub.Api.Commands;

/// <summary>Events for one stream, expected at a version (the one the decision was made on).</summary>
public sealed record StreamAppend(string StreamId, ExpectedVersion Expected, IReadOnlyList<object> Events);
