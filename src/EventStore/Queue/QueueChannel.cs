namespace ZeroLagHub.EventStore.Queue;

/// <summary>The Postgres NOTIFY channel that tells workers on other nodes that messages were enqueued.</summary>
internal static class QueueChannel
{
    public const string Name = "es_queue";
}
