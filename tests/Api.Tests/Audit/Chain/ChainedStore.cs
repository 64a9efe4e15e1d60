using System.Text.Json;
using JasperFx.Events;
using Marten;
using Weasel.Core;
using ZeroLagHub.Api.Audit.Chain;
using ZeroLagHub.Domain;

namespace ZeroLagHub.Api.Tests.Audit.Chain;

/// <summary>
/// A Marten store configured the way the API's is (domain events under their stable names as aliases,
/// metadata on, the hash chain), on a test database. Not the app's wiring: these tests stand alone.
/// </summary>
internal static class ChainedStore
{
    public static DocumentStore Create(string connectionString, EventAppendMode mode = EventAppendMode.QuickWithServerTimestamps) =>
        DocumentStore.For(options =>
        {
            options.Connection(connectionString);
            // As the API's (Storage/Marten): the previous store's JSON, web defaults, enums as numbers.
            options.UseSystemTextJsonForSerialization(new JsonSerializerOptions(JsonSerializerDefaults.Web), EnumStorage.AsInteger, Casing.CamelCase);
            options.Events.AppendMode = mode;
            options.Events.MetadataConfig.EnableAll();
            options.Events.MetadataConfig.UserNameEnabled = true;
            foreach (var type in DomainEvents.All) options.Events.MapEventType(type.ClrType, type.Name);
            options.AddHashChain();
        });

    /// <summary>A store whose schema (Marten's and the chain's) exists.</summary>
    public static async Task<DocumentStore> CreateAppliedAsync(string connectionString, EventAppendMode mode = EventAppendMode.QuickWithServerTimestamps)
    {
        var store = Create(connectionString, mode);
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        return store;
    }
}
