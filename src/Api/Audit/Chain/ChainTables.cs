using JasperFx.Events;
using Marten;

namespace ZeroLagHub.Api.Audit.Chain;

/// <summary>
/// Where the chain lives: Marten's event tables and ours, all in the event store's schema. Built from
/// the store's options, so the chain follows wherever the store's events are configured to live.
/// </summary>
public sealed record ChainTables(string Schema, StreamIdentity Identity)
{
    /// <summary>Marten's events.</summary>
    public string Events => $"{Schema}.mt_events";

    /// <summary>Marten's stream heads (id, version).</summary>
    public string Streams => $"{Schema}.mt_streams";

    /// <summary>One link per event: (stream, version) → seq, prev hash, hash.</summary>
    public string Chain => $"{Schema}.zlh_event_chain";

    /// <summary>SHA-256(prev || canonical text of one event row): the one definition the trigger and the verifiers share.</summary>
    public string LinkHash => $"{Schema}.zlh_event_link_hash";

    /// <summary>The trigger function on <see cref="Events"/> and the trigger's own name.</summary>
    public const string TriggerName = "zlh_chain_event";

    public string TriggerFunction => $"{Schema}.{TriggerName}";

    /// <summary>The SQL type of a stream id in Marten's tables.</summary>
    public string StreamIdType => Identity == StreamIdentity.AsGuid ? "uuid" : "varchar";

    /// <summary>
    /// Marten's tombstone stream: after a failed append it writes placeholder events there, numbered by
    /// sequence rather than by version, so the daemon does not wait on the lost sequence numbers. They
    /// carry nothing anyone did, and cannot form a chain.
    /// </summary>
    public string TombstoneStreamLiteral => Identity == StreamIdentity.AsGuid
        ? $"'{Tombstone.StreamId:D}'::uuid"
        : $"'{Tombstone.StreamKey}'";

    public static ChainTables For(StoreOptions options) => new(options.Events.DatabaseSchemaName, options.Events.StreamIdentity);

    public static ChainTables For(IDocumentStore store) => For((StoreOptions)store.Options);
}
