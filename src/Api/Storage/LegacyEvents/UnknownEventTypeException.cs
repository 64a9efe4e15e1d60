namespace ZeroLagHub.Api.Storage.LegacyEvents;

/// <summary>A stored event carries a type name that no registration in this build knows.</summary>
public sealed class UnknownEventTypeException(string typeName, string streamId, long version)
    : Exception($"unknown event type '{typeName}' at stream '{streamId}' version {version}: register it (or an upcaster for its old name)")
{
    public string TypeName { get; } = typeName;
}
