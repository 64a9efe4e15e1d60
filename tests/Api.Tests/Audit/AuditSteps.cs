using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using ZeroLagHub.Domain.Agent;
using ZeroLagHub.Domain.Containers;
using ZeroLagHub.EventStore;
using ZeroLagHub.EventStore.Appending;

namespace ZeroLagHub.Api.Tests.Audit;

/// <summary>Container histories written straight into the event store (no agent needed), and SQL as an attacker with database access runs it.</summary>
internal static class AuditSteps
{
    public static ContainerSpec Spec(string name = "audited-box") =>
        new(ContainerKind.Dev, name, "node", "24", [], null, new ContainerResources());

    /// <summary>
    /// Three appends, so three timestamps: v1 requested (provisioning), v2 provisioning succeeded (ready),
    /// v3 stopped.
    /// </summary>
    public static async Task<Guid> AppendContainerHistoryAsync(this ApiFixture api, Guid owner)
    {
        var store = api.Services.GetRequiredService<IEventStore>();
        var id = Guid.NewGuid();
        var deployment = Guid.NewGuid();
        var stream = Container.StreamId(id);
        var metadata = new EventMetadata(User: owner.ToString(), ClientIp: "127.0.0.1");
        var now = DateTimeOffset.UtcNow;
        await store.AppendAsync(stream, ExpectedVersion.NoStream,
            [new ContainerRequested(id, owner.ToString(), ContainerKind.Dev, Spec(), deployment, now)], metadata);
        await store.AppendAsync(stream, ExpectedVersion.Exactly(1), [new ProvisioningSucceeded(deployment, now)], metadata);
        await store.AppendAsync(stream, ExpectedVersion.Exactly(2), [new ContainerStopped(owner.ToString(), now)], metadata);
        return id;
    }

    public static async Task<int> SqlAsync(this ApiFixture api, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = api.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand(sql);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return await command.ExecuteNonQueryAsync();
    }

    /// <summary>Edits one event's payload and leaves its hash alone: the clumsy attacker.</summary>
    public static Task EditEventAsync(this ApiFixture api, Guid container, long version) => api.SqlAsync(
        """UPDATE es.events SET data = data || '{"forged": true}' WHERE stream_id = @stream AND version = @version""",
        ("stream", Container.StreamId(container)), ("version", version));

    /// <summary>
    /// Edits one event and recomputes every later hash and the stream head with the store's own hash
    /// function: the careful attacker, whose chain verifies.
    /// </summary>
    public static async Task RewriteChainFromAsync(this ApiFixture api, Guid container, long version, long head)
    {
        await api.EditEventAsync(container, version);
        for (var v = version; v <= head; v++)
        {
            await api.SqlAsync("""
                UPDATE es.events e SET hash = es.event_hash(
                        (SELECT p.hash FROM es.events p WHERE p.stream_id = e.stream_id AND p.version = e.version - 1),
                        e.stream_id, e.version, e.type, e.schema_version, e.data, e.metadata, e.created_at)
                 WHERE e.stream_id = @stream AND e.version = @version
                """, ("stream", Container.StreamId(container)), ("version", v));
        }
        await api.SqlAsync("""
            UPDATE es.streams s SET last_hash = (SELECT e.hash FROM es.events e WHERE e.stream_id = s.stream_id AND e.version = s.version)
             WHERE s.stream_id = @stream
            """, ("stream", Container.StreamId(container)));
    }

    public static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string detailContains)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(detailContains, body, StringComparison.OrdinalIgnoreCase);
    }
}
