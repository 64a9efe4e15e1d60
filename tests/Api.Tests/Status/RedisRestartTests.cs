using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ZeroLagHub.Api.Auth;
using ZeroLagHub.Domain.Agent;
using ZeroLagHub.Domain.Containers;
using ZeroLagHub.Projections.Events;
using ZeroLagHub.Testing;
using static ZeroLagHub.Api.Tests.Status.StatusSteps;

namespace ZeroLagHub.Api.Tests.Status;

/// <summary>The API and its real local agents over a redis-server of their own, which a test can kill and restart (empty, as Redis here keeps no data).</summary>
public sealed class PrivateRedisPollerFixture : PollerFixture
{
    public PrivateRedisServer Redis { get; private set; } = null!;

    protected override async Task OnStartingAsync()
    {
        await base.OnStartingAsync();
        Redis = await PrivateRedisServer.StartAsync();
        Settings["Redis"] = $"{Redis.ConnectionString},connectTimeout=300,timeout=500";
    }

    protected override async Task OnStoppedAsync()
    {
        await Redis.DisposeAsync();
        await base.OnStoppedAsync();
    }
}

public sealed class RedisRestartTests(PrivateRedisPollerFixture api) : IClassFixture<PrivateRedisPollerFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task WhileRedisIsDownStatusIsServedStaleNobodyGoesOfflineAndStreamsGoOnAndAfterItsRestartEverythingRecovers()
    {
        var id = await api.ProvisionedAsync(ContainerKind.Dev);
        var unchanged = await api.ProvisionedAsync(ContainerKind.Dev);
        await api.Poller.PollOnceAsync(default);
        var admin = api.CreateClientAs(Guid.NewGuid(), "root", Role.Admin);
        foreach (var container in new[] { id, unchanged })
            await EventuallyAsync(async () => await StatusAsync(admin, container) is { } s && !Stale(s) && Seen(s) ? s : (JsonElement?)null, "live status with a sighting");
        await using var stream = new EventStreamReader(await admin.GetAsync("/api/servers/status/stream", HttpCompletionOption.ResponseHeadersRead));
        Assert.Equal("snapshot", (await stream.NextAsync(Patience)).Type);

        await api.Redis.KillAsync();

        var during = (await StatusAsync(admin, id))!.Value;
        Assert.True(Stale(during));
        Assert.Equal("running", during.GetProperty("state").GetString());
        await api.Poller.PollOnceAsync(default);
        await api.Poller.PollOnceAsync(default);
        await api.Poller.PollOnceAsync(default);
        // The agents answered every poll: an expired or vanished Redis key makes nobody offline.
        Assert.Empty(await api.LaterEventsAsync(id));
        Assert.Empty(await api.LaterEventsAsync(unchanged));
        // A change made while Redis is away still reaches an open stream (it reads PostgreSQL meanwhile).
        await api.Services.GetRequiredService<IEventStore>().AppendAsync(Container.StreamId(id), ExpectedVersion.Any,
            [new CodeServerStarted(DateTimeOffset.UtcNow)], EventMetadata.None);
        var change = await stream.NextMatchingAsync(e => e.Type == "status", Patience);
        Assert.True(JsonDocument.Parse(change.Data).RootElement.GetProperty("codeServerRunning").GetBoolean());

        await api.Redis.RestartAsync();

        // The restarted Redis is empty: the publisher fills it again once its subscriber has reconnected.
        var after = await EventuallyAsync(async () => await StatusAsync(admin, id) is { } s && !Stale(s) ? s : (JsonElement?)null, "live status again");
        Assert.True(after!.Value.GetProperty("codeServerRunning").GetBoolean());
        // Also a container that did not change meanwhile: its status is republished, not left stale.
        await EventuallyAsync(async () => await StatusAsync(admin, unchanged) is { } s && !Stale(s) ? s : (JsonElement?)null, "the unchanged container live again");
        await api.Poller.PollOnceAsync(default);
        Assert.True(Seen((await StatusAsync(admin, id))!.Value));
        Assert.Empty(await api.LaterEventsAsync(id).ContinueWith(t => t.Result.Where(e => e is AgentWentOffline).ToList()));
    }

    private static async Task<JsonElement?> StatusAsync(HttpClient client, Guid id) =>
        await client.GetFromJsonAsync<JsonElement>($"/api/servers/{id}/status");

    private static bool Stale(JsonElement status) => status.GetProperty("stale").GetBoolean();

    private static bool Seen(JsonElement status) => status.GetProperty("lastSeen").ValueKind == JsonValueKind.Object;
}
