using Npgsql;

namespace ZeroLagHub.EventStore.Queue;

/// <summary>
/// The first command of a worker's batch: commits it with <c>synchronous_commit = off</c>, so the
/// commit returns without waiting for its WAL flush.
/// </summary>
/// <remarks>
/// Only for the worker's own bookkeeping (claims, lease renewals and releases, completions, retries,
/// dead-letter moves). Each of these, lost in a server crash, leaves the message as it was before the
/// write: leased by someone, then free once the lease runs out, then delivered again with the same id
/// — which the at-least-once contract allows and handlers already expect from a worker that died.
/// WAL is written in order, so a relaxed commit is never lost while a later durable one survives.
/// Enqueues (the write that must not be lost) and operators' dead-letter actions stay synchronous.
/// A batch runs as one implicit transaction, so the transaction-local setting covers all of it.
/// </remarks>
internal static class RelaxedCommit
{
    public static NpgsqlBatchCommand Command() => new("SELECT set_config('synchronous_commit', 'off', true)");
}
