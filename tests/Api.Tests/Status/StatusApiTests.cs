using System.Net;
using System.Text.Json;
using Alba;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using ZeroLagHub.Api.Agents.Polling;
using ZeroLagHub.Domain.Agent;
using ZeroLagHub.Domain.Containers;
using ZeroLagHub.Projections.Events;
using ZeroLagHub.Projections.Status;
using static ZeroLagHub.Api.Tests.Status.StatusSteps;

namespace ZeroLagHub.Api.Tests.Status;

public sealed class StatusApiTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task ProjectedStatusIsServedFromRedisNotStale()
    {
        var owner = Guid.NewGuid();
        var id = await StatusApiSteps.ProvisionedAsync(api.Services, owner);
        var instance = Guid.NewGuid();
        await api.Services.GetRequiredService<ILastSeen>()
            .SeenAsync(new AgentSighting(id, instance, 12.5, "1.2.3", DateTimeOffset.UtcNow), default);

        var state = await EventuallyAsync(() => StatusApiSteps.StoredStateAsync(api.Services, id), "the status row");
        await EventuallyAsync(async () =>
            await api.Services.GetRequiredService<LiveStatusCache>().GetStatusAsync(id) is { } json
            && JsonDocument.Parse(json).RootElement.GetProperty("state").GetString() == state ? json : null, "the row's state in Redis");
        var status = await api.GetJsonAsync(api.TokenFor(owner), $"/api/servers/{id}/status");

        Assert.False(status.GetProperty("stale").GetBoolean());
        Assert.Equal(id, status.GetProperty("containerId").GetGuid());
        Assert.Equal(state, status.GetProperty("state").GetString());
        Assert.Equal(instance, status.GetProperty("lastSeen").GetProperty("instanceId").GetGuid());
    }

    [Fact]
    public async Task AnotherUsersOrAnUnknownContainerIsNotFound()
    {
        var id = await StatusApiSteps.ProvisionedAsync(api.Services, Guid.NewGuid());
        var stranger = api.TokenFor(Guid.NewGuid(), "stranger");

        await api.SendAsync(stranger, x => x.Get.Url($"/api/servers/{id}/status"), HttpStatusCode.NotFound);
        await api.SendAsync(stranger, x => x.Get.Url($"/api/servers/{Guid.NewGuid()}/status"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ALiveStatusIsServedToItsOwnerAndAnAdminOnly()
    {
        // The owner's read is answered from the Redis copy alone (it names the owner); everyone else's goes to the directory.
        var owner = Guid.NewGuid();
        var id = await StatusApiSteps.ProvisionedAsync(api.Services, owner);
        await EventuallyAsync(() => api.Services.GetRequiredService<LiveStatusCache>().GetStatusAsync(id), "the status in Redis");

        await api.SendAsync(api.TokenFor(Guid.NewGuid(), "stranger"), x => x.Get.Url($"/api/servers/{id}/status"), HttpStatusCode.NotFound);
        var asAdmin = await api.GetJsonAsync(api.TokenFor(Guid.NewGuid(), "operator", "admin"), $"/api/servers/{id}/status");
        var asOwner = await api.GetJsonAsync(api.TokenFor(owner), $"/api/servers/{id}/status");

        foreach (var status in new[] { asAdmin, asOwner })
        {
            Assert.False(status.GetProperty("stale").GetBoolean());
            Assert.Equal(owner.ToString(), status.GetProperty("owner").GetString());
        }
    }
}

public sealed class StatusWithoutRedisTests(UnreachableRedisApi api) : IClassFixture<UnreachableRedisApi>
{
    [Fact]
    public async Task StatusIsServedStaleFromPostgresWhenRedisIsDown()
    {
        var owner = Guid.NewGuid();
        var id = await StatusApiSteps.ProvisionedAsync(api.Services, owner);
        var state = await EventuallyAsync(() => StatusApiSteps.StoredStateAsync(api.Services, id), "the status row");

        var status = await api.GetJsonAsync(api.TokenFor(owner), $"/api/servers/{id}/status");

        Assert.True(status.GetProperty("stale").GetBoolean());
        Assert.Equal(state, status.GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, status.GetProperty("lastSeen").ValueKind);
    }
}

/// <summary>Containers written straight into the event store, owned by a given user, without a host or agent.</summary>
internal static class StatusApiSteps
{
    public static async Task<Guid> ProvisionedAsync(IServiceProvider services, Guid owner)
    {
        var id = Guid.NewGuid();
        var deployment = Guid.NewGuid();
        var spec = new ContainerSpec(ContainerKind.Dev, "status-api", "node", "24", [], null, new ContainerResources());
        var now = DateTimeOffset.UtcNow;
        await services.GetRequiredService<IEventStore>().AppendAsync(Container.StreamId(id), ExpectedVersion.NoStream,
        [
            new ContainerRequested(id, owner.ToString(), ContainerKind.Dev, spec, deployment, now),
            new ContainerCreated(1000, "127.0.0.1", "local", now),
            new AgentRegistered(Guid.NewGuid(), now),
            new ProvisioningSucceeded(deployment, now),
        ], EventMetadata.None);
        return id;
    }

    /// <summary>The projected row's state, or null before the projection has written it.</summary>
    public static async Task<string?> StoredStateAsync(IServiceProvider services, Guid id)
    {
        await using var command = services.GetRequiredService<NpgsqlDataSource>().CreateCommand("SELECT state FROM container_status WHERE id = @id");
        command.Parameters.AddWithValue("id", id);
        return await command.ExecuteScalarAsync() as string;
    }
}
