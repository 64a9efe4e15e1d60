using System.Net;
using Alba;
using System.Text.Json;
using ZeroLagHub.Api.Auth;

namespace ZeroLagHub.Api.Tests.Audit;

/// <summary>/api/audit: history, state as of then, verification, export and the command log, on real PostgreSQL.</summary>
public sealed class AuditApiTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private string Auditor() => api.TokenFor(Guid.NewGuid(), "auditor", Role.User, Role.Auditor);

    [Fact]
    public async Task AUserWithoutTheAuditorRoleIsForbidden()
    {
        var owner = Guid.NewGuid();
        var container = await api.AppendContainerHistoryAsync(owner);
        var user = api.TokenFor(owner);

        await api.SendAsync(user, x => x.Get.Url($"/api/audit/containers/{container}/events"), HttpStatusCode.Forbidden);
        await api.SendAsync(user, x => x.Get.Url("/api/audit/commands"), HttpStatusCode.Forbidden);
        await api.SendAsync(user, x => x.Get.Url($"/api/audit/export?stream={container}"), HttpStatusCode.Forbidden);
        var admin = api.TokenFor(Guid.NewGuid(), "root", Role.User, Role.Admin);
        await api.SendAsync(admin, x => x.Get.Url($"/api/audit/containers/{container}/events"), HttpStatusCode.OK);
    }

    [Fact]
    public async Task AnAuditorSeesTheStateAsOfAPastTimeAndAsOfAVersion()
    {
        var container = await api.AppendContainerHistoryAsync(Guid.NewGuid());
        var auditor = Auditor();
        var events = await api.GetJsonAsync(auditor, $"/api/audit/containers/{container}/events");
        var readyAt = events.GetProperty("events")[1].GetProperty("timestamp").GetDateTimeOffset();

        var asOfTime = await api.GetJsonAsync(auditor, $"/api/audit/containers/{container}/state?at={Uri.EscapeDataString(readyAt.ToString("O"))}");
        var asOfVersion = await api.GetJsonAsync(auditor, $"/api/audit/containers/{container}/state?version=1");
        var now = await api.GetJsonAsync(auditor, $"/api/audit/containers/{container}/state");

        Assert.Equal(2, asOfTime.GetProperty("version").GetInt64());
        Assert.Equal("ready", asOfTime.GetProperty("state").GetProperty("lifecycle").GetString());
        Assert.Equal("provisioning", asOfVersion.GetProperty("state").GetProperty("lifecycle").GetString());
        Assert.Equal("stopped", now.GetProperty("state").GetProperty("lifecycle").GetString());
        Assert.Equal(3, now.GetProperty("version").GetInt64());
        var before = Uri.EscapeDataString(readyAt.AddHours(-1).ToString("O"));
        await api.ProblemShouldSayAsync(auditor, x => x.Get.Url($"/api/audit/containers/{container}/state?at={before}"),
            HttpStatusCode.NotFound, "did not exist yet");
    }

    [Theory]
    [InlineData("state?at=yesterday", "is not a time")]
    [InlineData("state?at=2026-01-01T00:00:00Z&version=1", "not both")]
    [InlineData("state?version=0", "from 1")]
    [InlineData("state?version=4", "beyond the stream's last version, 3")]
    [InlineData("events?limit=1001", "limit='1001' must be a whole number from 1 to 1000")]
    [InlineData("events?fromVersion=x", "fromVersion")]
    public async Task BadQueriesGetAProblemThatSaysWhatToFix(string query, string detail)
    {
        var container = await api.AppendContainerHistoryAsync(Guid.NewGuid());
        var auditor = Auditor();
        await api.ProblemShouldSayAsync(auditor, x => x.Get.Url($"/api/audit/containers/{container}/{query}"), HttpStatusCode.BadRequest, detail);
    }

    [Fact]
    public async Task AnUnknownContainerIsA404Problem()
    {
        var auditor = Auditor();
        foreach (var path in new[] { "events", "state", "verify" })
            await api.ProblemShouldSayAsync(auditor, x => x.Get.Url($"/api/audit/containers/{Guid.NewGuid()}/{path}"),
                HttpStatusCode.NotFound, "no container");
        await api.ProblemShouldSayAsync(auditor, x => x.Get.Url($"/api/audit/export?stream={Guid.NewGuid()}"), HttpStatusCode.NotFound, "no stream");
    }

    [Fact]
    public async Task EventsArePagedWithTheirHashes()
    {
        var container = await api.AppendContainerHistoryAsync(Guid.NewGuid());
        var auditor = Auditor();

        var first = await api.GetJsonAsync(auditor, $"/api/audit/containers/{container}/events?limit=2");
        var second = await api.GetJsonAsync(auditor, 
            $"/api/audit/containers/{container}/events?limit=2&fromVersion={first.GetProperty("nextFromVersion").GetInt64()}");

        Assert.Equal([1L, 2L], first.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("version").GetInt64()));
        Assert.Equal("container.requested", first.GetProperty("events")[0].GetProperty("type").GetString());
        Assert.Equal([3L], second.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("version").GetInt64()));
        Assert.Equal(JsonValueKind.Null, second.GetProperty("nextFromVersion").ValueKind);
        Assert.All(first.GetProperty("events").EnumerateArray(), e => Assert.Matches("^[0-9a-f]{64}$", e.GetProperty("hash").GetString()));
        Assert.Equal("127.0.0.1", first.GetProperty("events")[0].GetProperty("metadata").GetProperty("clientIp").GetString());
    }

    [Fact]
    public async Task ExportedNdjsonLinesParseAndMatchTheEvents()
    {
        var container = await api.AppendContainerHistoryAsync(Guid.NewGuid());
        var auditor = Auditor();
        var events = (await api.GetJsonAsync(auditor, $"/api/audit/containers/{container}/events")).GetProperty("events");

        var response = await api.ScenarioWithToken(auditor, x =>
        {
            x.Get.Url($"/api/audit/export?stream={container}");
            x.ContentTypeShouldBe("application/x-ndjson");
        });
        var lines = (await response.ReadAsTextAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var since = Uri.EscapeDataString(events[0].GetProperty("timestamp").GetDateTimeOffset().ToString("O"));
        var range = (await (await api.ScenarioWithToken(auditor, x => x.Get.Url($"/api/audit/export?since={since}"))).ReadAsTextAsync())
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement).Where(e => e.GetProperty("streamId").GetString() == container.ToString()).ToList();

        Assert.Equal(3, lines.Length);
        foreach (var (line, expected) in lines.Select(l => JsonDocument.Parse(l).RootElement).Zip(events.EnumerateArray()))
        {
            foreach (var field in new[] { "version", "position", "type", "hash" })
                Assert.Equal(expected.GetProperty(field).ToString(), line.GetProperty(field).ToString());
            Assert.True(JsonElement.DeepEquals(expected.GetProperty("data"), line.GetProperty("data")));
        }
        Assert.Equal([1L, 2L, 3L], range.Select(e => e.GetProperty("version").GetInt64()));
        await api.ProblemShouldSayAsync(auditor, x => x.Get.Url("/api/audit/export"), HttpStatusCode.BadRequest, "give stream");
        await api.ProblemShouldSayAsync(auditor, x => x.Get.Url($"/api/audit/export?stream={container}&since={since}"),
            HttpStatusCode.BadRequest, "not both");
    }

    [Fact]
    public async Task VerificationReportsTheEditedEvent()
    {
        var intact = await api.AppendContainerHistoryAsync(Guid.NewGuid());
        var edited = await api.AppendContainerHistoryAsync(Guid.NewGuid());
        var auditor = Auditor();
        Assert.Equal(JsonValueKind.Null,
            (await api.GetJsonAsync(auditor, $"/api/audit/containers/{edited}/verify")).GetProperty("firstBroken").ValueKind);

        await api.EditEventAsync(edited, 2);

        var one = await api.GetJsonAsync(auditor, $"/api/audit/containers/{edited}/verify");
        var all = await api.GetJsonAsync(auditor, "/api/audit/verify");
        Assert.Equal(2, one.GetProperty("firstBroken").GetInt64());
        Assert.False(all.GetProperty("intact").GetBoolean());
        var broken = all.GetProperty("broken").EnumerateArray().Select(b => b.GetProperty("streamId").GetString()).ToList();
        Assert.Contains(edited.ToString(), broken);
        Assert.DoesNotContain(intact.ToString(), broken);
    }

    [Fact]
    public async Task TheCommandLogListsAcceptedAndRejectedCommandsWithTheirOutcome()
    {
        var owner = Guid.NewGuid();
        var user = api.TokenFor(owner, "commander");
        var history = await api.AppendContainerHistoryAsync(owner);
        var missing = Guid.NewGuid();
        await api.SendAsync(user, x => x.Post.Url($"/api/servers/{missing}/stop"), HttpStatusCode.NotFound);
        await api.SendAsync(user, x => x.Post.Url($"/api/servers/{history}/start"), HttpStatusCode.Accepted);
        var auditor = Auditor();

        var log = await api.GetJsonAsync(auditor, $"/api/audit/commands?user={owner}");
        var firstPage = await api.GetJsonAsync(auditor, $"/api/audit/commands?user={owner}&limit=1");
        var secondPage = await api.GetJsonAsync(auditor, 
            $"/api/audit/commands?user={owner}&limit=1&before={firstPage.GetProperty("nextBefore").GetInt64()}");
        var forContainer = await api.GetJsonAsync(auditor, $"/api/audit/commands?container={missing}");

        var items = log.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(2, items.Count);
        Assert.Equal(("start_container", "accepted"), (items[0].GetProperty("command").GetString(), items[0].GetProperty("outcome").GetString()));
        Assert.Equal(("stop_container", "rejected"), (items[1].GetProperty("command").GetString(), items[1].GetProperty("outcome").GetString()));
        Assert.False(string.IsNullOrEmpty(items[1].GetProperty("reason").GetString()));
        // The in-memory test server has no remote address, so the IP column is null here; the field is still reported.
        Assert.True(items[0].TryGetProperty("clientIp", out _));
        Assert.Equal(items[0].GetProperty("id").GetInt64(), firstPage.GetProperty("items")[0].GetProperty("id").GetInt64());
        Assert.Equal(items[1].GetProperty("id").GetInt64(), secondPage.GetProperty("items")[0].GetProperty("id").GetInt64());
        Assert.Equal(missing, forContainer.GetProperty("items").EnumerateArray().Single().GetProperty("containerId").GetGuid());
        var future = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(1).ToString("O"));
        Assert.Empty((await api.GetJsonAsync(auditor, $"/api/audit/commands?user={owner}&since={future}")).GetProperty("items").EnumerateArray());
        await api.ProblemShouldSayAsync(auditor, x => x.Get.Url("/api/audit/commands?user=bob"), HttpStatusCode.BadRequest, "not an id");
    }
}
