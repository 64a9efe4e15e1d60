using Marten.Events;
using ZeroLagHub.Domain;

namespace ZeroLagHub.Api.Storage.Marten;

/// <summary>
/// The domain's stable event names as Marten's type aliases (<c>mt_events.type</c>), never the CLR names,
/// so types can be renamed or moved without rewriting history.
/// </summary>
/// <remarks>
/// A new payload shape is a new schema version: its CLR type is stored under <c>name.v{n}</c>, and the
/// names of older versions are upcast on read to it with Marten's upcasters (<c>events.Upcast</c>,
/// registered beside the type). A stored name nobody registered fails the read with Marten's
/// <c>UnknownEventTypeException</c>, which names it.
/// </remarks>
public static class EventNames
{
    public static void Register(IEventStoreOptions events, IEnumerable<DomainEventType> types)
    {
        foreach (var type in types)
        {
            events.AddEventType(type.ClrType);
            events.MapEventType(type.ClrType, StoredName(type));
        }
    }

    /// <summary>The alias of a type's current schema version.</summary>
    public static string StoredName(DomainEventType type) =>
        type.SchemaVersion == 1 ? type.Name : $"{type.Name}.v{type.SchemaVersion}";
}
