namespace ZeroLagHub.Api.Agents.Polling;

/// <summary>Until a cache backs <see cref="ILastSeen"/>: sightings are not kept anywhere.</summary>
public sealed class NoLastSeen : ILastSeen
{
    public ValueTask SeenAsync(AgentSighting sighting, CancellationToken ct) => ValueTask.CompletedTask;
}
