using System.Net;
using Alba;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using ZeroLagHub.Domain.Agent;
using ZeroLagHub.Domain.Containers;
using Marten;
using ZeroLagHub.Api.Audit.Chain;

namespace ZeroLagHub.Api.Tests.Audit;

/// <summary>Container histories written straight into the event store (no agent needed), and SQL as an attacker with database access runs it.</summary>
internal static class AuditSteps
{
    public static ContainerSpec Spec(string name = "audited-box") =>
        new(ContainerKind.Dev, name, "node", "24", [], null, new ContainerResources());

    /// <summary>
    /// Three appends, so three timestamps: v1 requested (provisioning), v2 provisioning succeeded (ready),
    /// v3 stopped. Appended with Marten, as the handlers do.
    /// </summary>
    public static async Task<Guid> AppendContainerHistoryAsync(this ApiHostFixture api, Guid owner)
    {
        var store = api.Services.GetRequiredService<IDocumentStore>();
        var id = Guid.NewGuid();
        var deployment = Guid.NewGuid();
        var now = DateTimeOffset.UtcNow;
        object[] history =
        [
            new ContainerRequested(id, owner.ToString(), ContainerKind.Dev, Spec(), deployment, now),
            new ProvisioningSucceeded(deployment, now),
            new ContainerStopped(owner.ToString(), now),
        ];
        for (var version = 1; version <= history.Length; version++)
        {
            await using var session = store.LightweightSession();
            session.LastModifiedBy = owner.ToString();
            // The header the API writes the caller's address under (Projections/Marten/EventHeaders.ClientIp).
            session.SetHeader("client_ip", "127.0.0.1");
            session.Events.Append(id, version, history[version - 1]);
            await session.SaveChangesAsync();
        }
        return id;
    }

    public static async Task<int> SqlAsync(this ApiHostFixture api, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = api.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand(sql);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return await command.ExecuteNonQueryAsync();
    }

    private static ChainTables Tables(ApiHostFixture api) => ChainTables.For(api.Services.GetRequiredService<IDocumentStore>());

    /// <summary>Edits one event's payload and leaves its link alone: the clumsy attacker.</summary>
    public static Task EditEventAsync(this ApiHostFixture api, Guid container, long version) => api.SqlAsync(
        $$"""UPDATE {{Tables(api).Events}} SET data = data || '{"forged": true}' WHERE stream_id = @stream AND version = @version""",
        ("stream", container), ("version", version));

    /// <summary>
    /// Edits one event and recomputes its link and every later one with the chain's own hash function:
    /// the careful attacker, whose chain verifies.
    /// </summary>
    public static async Task RewriteChainFromAsync(this ApiHostFixture api, Guid container, long version, long head)
    {
        await api.EditEventAsync(container, version);
        var t = Tables(api);
        for (var v = version; v <= head; v++)
        {
            await api.SqlAsync($"""
                UPDATE {t.Chain} c
                   SET prev_hash = p.prev, hash = {t.LinkHash}(p.prev, (SELECT to_jsonb(e) FROM {t.Events} e WHERE e.stream_id = c.stream_id AND e.version = c.version))
                  FROM (SELECT coalesce((SELECT hash FROM {t.Chain} WHERE stream_id = @stream AND version = @version - 1), ''::bytea) AS prev) p
                 WHERE c.stream_id = @stream AND c.version = @version
                """, ("stream", container), ("version", v));
        }
    }

    /// <summary>The request with <paramref name="accessToken"/>, answered with a <paramref name="status"/> problem whose text says <paramref name="detailContains"/>.</summary>
    public static async Task ProblemShouldSayAsync(this ApiFixture api, string accessToken, Action<Scenario> request, HttpStatusCode status,
        string detailContains)
    {
        var response = await api.ScenarioWithToken(accessToken, x =>
        {
            request(x);
            x.ProblemShouldBe(status);
        });
        Assert.Contains(detailContains, await response.ReadAsTextAsync(), StringComparison.OrdinalIgnoreCase);
    }
}
