namespace ZeroLagHub.EventStore.Reading;

/// <summary>One batch of the global log. <paramref name="Next"/> is where the following read starts (exclusive).</summary>
public sealed record EventPage(IReadOnlyList<StoredEvent> Events, LogPosition Next);
