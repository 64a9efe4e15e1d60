using System.Text.Json;

namespace ZeroLagHub.Cli.Tests.Audit;

/// <summary>
/// zlh audit against the real API: a real container's history (created through zlh, deployed by the local
/// host's agent) as the admin reads it, who may audit, and as its owner, who may not.
/// </summary>
public sealed class AuditTests(CliApiFixture api) : IClassFixture<CliApiFixture>
{
    [Fact]
    public async Task AnAuditorReadsTheEventsInVersionOrderAndTheStateAsOfAVersionOrATime()
    {
        var (owner, id, name) = await ReadyContainerAsync();
        using var _ = owner;
        var whoami = (await owner.RunAsync("whoami", "--json")).Json;
        var (ownerId, ownerName) = (whoami.GetProperty("id").GetString(), whoami.GetProperty("username").GetString());
        using var auditor = await api.AdminAsync();

        var events = await auditor.RunAsync("audit", "events", name, "--json");

        Assert.True(events.ExitCode == 0, events.ToString());
        Assert.Equal(id.ToString(), events.Json.GetProperty("streamId").GetString());
        var list = events.Json.GetProperty("events").EnumerateArray().ToList();
        var count = list.Count;
        Assert.Equal(Enumerable.Range(1, count).Select(v => (long)v), list.Select(e => e.GetProperty("version").GetInt64()));
        Assert.Equal(count, events.Json.GetProperty("headVersion").GetInt64());
        var types = list.Select(e => e.GetProperty("type").GetString()!).ToList();
        Assert.Equal("container.requested", types[0]);
        Assert.Equal("container.provisioning_succeeded", types[^1]);
        Assert.Contains("container.created", types);
        Assert.Contains("container.dev_environment_ready", types);
        Assert.Equal(ownerId, list[0].GetProperty("metadata").GetProperty("user").GetString());
        Assert.All(list, e => Assert.Matches("^[0-9a-f]{64}$", e.GetProperty("hash").GetString()));

        // The table: one row per event in version order, with who caused it (by name; -o wide adds the id) and the start of its hash.
        var table = await auditor.RunAsync("audit", "events", id.ToString());
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Matches($@"\b1\s+\d{{4}}-\d\d-\d\d \d\d:\d\d:\d\dZ\s+container\.requested\s+{ownerName}\s+{list[0].GetProperty("hash").GetString()![..12]}\s", table.Out);
        Assert.Matches($@"container\.requested\s+{ownerName}\s+{ownerId}\s+", (await auditor.RunAsync("audit", "events", id.ToString(), "-o", "wide")).Out);
        Assert.Equal(types, types.OrderBy(t => table.Out.IndexOf(t + " ", StringComparison.Ordinal)));
        Assert.DoesNotContain("more:", table.Out);

        // Paging: the hint names the next page, which --from-version reads; --all reads them all.
        var first = await auditor.RunAsync("audit", "events", name, "--limit", "2");
        Assert.Contains($"more: --from-version 3 (the stream is at version {count})", first.Out);
        var second = await auditor.RunAsync("audit", "events", name, "--limit", "2", "--from-version", "3", "--json");
        Assert.Equal([3L, 4L], second.Json.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("version").GetInt64()));
        var all = await auditor.RunAsync("audit", "events", name, "--limit", "2", "--all", "--json");
        Assert.Equal(types, all.Json.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("type").GetString()!));
        Assert.Equal(JsonValueKind.Null, all.Json.GetProperty("nextFromVersion").ValueKind);

        var atVersion = await auditor.RunAsync("audit", "state", name, "--version", "1", "--json");
        Assert.True(atVersion.ExitCode == 0, atVersion.ToString());
        Assert.Equal(1, atVersion.Json.GetProperty("version").GetInt64());
        Assert.Equal("provisioning", atVersion.Json.GetProperty("state").GetProperty("lifecycle").GetString());
        Assert.Equal(name, atVersion.Json.GetProperty("state").GetProperty("name").GetString());
        var human = await auditor.RunAsync("audit", "state", name, "--version", "1");
        Assert.Contains($"container {id} at version 1", human.Out);
        Assert.Matches(@"state\s+provisioning", human.Out);

        var lastAt = list[^1].GetProperty("timestamp").GetDateTimeOffset();
        var atTime = await auditor.RunAsync("audit", "state", name, "--at", lastAt.ToString("O"), "--json");
        Assert.True(atTime.ExitCode == 0, atTime.ToString());
        Assert.Equal(count, atTime.Json.GetProperty("version").GetInt64());
        Assert.Equal("ready", atTime.Json.GetProperty("state").GetProperty("lifecycle").GetString());
        // A day ago (an age, as for deploys) it did not exist: not found.
        var dayAgo = await auditor.RunAsync("audit", "state", name, "--at", "1d");
        Assert.True(dayAgo.ExitCode == 3, dayAgo.ToString());
        Assert.Contains("did not exist yet", dayAgo.Err);
    }

    [Fact]
    public async Task VerifyReportsAnIntactChainAndExportEmitsEveryEventAsOneJsonLine()
    {
        var (owner, id, name) = await ReadyContainerAsync();
        using var _ = owner;
        using var auditor = await api.AdminAsync();
        var events = (await auditor.RunAsync("audit", "events", name, "--json")).Json.GetProperty("events").EnumerateArray().ToList();

        var verify = await auditor.RunAsync("audit", "verify", name);
        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Equal($"stream {id}: intact, {events.Count} events checked", verify.Out.Trim());
        var verifyJson = await auditor.RunAsync("audit", "verify", id.ToString(), "--json");
        Assert.Equal(events.Count, verifyJson.Json.GetProperty("eventsChecked").GetInt64());
        Assert.Equal(JsonValueKind.Null, verifyJson.Json.GetProperty("firstBroken").ValueKind);

        var export = await auditor.RunAsync("audit", "export", name);
        Assert.True(export.ExitCode == 0, export.ToString());
        var lines = export.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(events.Count, lines.Count);
        foreach (var (line, expected) in lines.Zip(events))
        {
            foreach (var field in new[] { "version", "type", "hash", "streamId" })
                Assert.Equal(expected.GetProperty(field).ToString(), line.GetProperty(field).ToString());
            Assert.True(JsonElement.DeepEquals(expected.GetProperty("data"), line.GetProperty("data")));
        }

        var file = Path.Combine(owner.ConfigHome, "history.ndjson");
        var toFile = await auditor.RunAsync("audit", "export", name, "-o", file);
        Assert.True(toFile.ExitCode == 0, toFile.ToString());
        Assert.Equal($"exported {events.Count} events to {file}", toFile.Out.Trim());
        Assert.Equal(export.Out, await File.ReadAllTextAsync(file));
        Assert.False(File.Exists(file + ".partial"));

        // Every stream's events of the last hour include all of this container's.
        var range = await auditor.RunAsync("audit", "export", "--since", "1h");
        Assert.True(range.ExitCode == 0, range.ToString());
        Assert.Equal(events.Count, range.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Count(l => JsonDocument.Parse(l).RootElement.GetProperty("streamId").GetString() == id.ToString()));
    }

    [Fact]
    public async Task AnEditedEventBreaksTheChainAndVerifyExits1NamingTheVersion()
    {
        var (owner, id, name) = await ReadyContainerAsync();
        using var _ = owner;
        using var auditor = await api.AdminAsync();
        var before = await auditor.RunAsync("audit", "verify", "--all");
        Assert.True(before.ExitCode == 0, before.ToString());
        Assert.Matches(@"^\d+ streams, \d+ events checked: intact", before.Out);

        // Someone with database access edits an event's payload and leaves its hash alone.
        await api.SqlAsync("""UPDATE events.mt_events SET data = data || '{"forged": true}' WHERE stream_id = @stream::uuid AND version = 2""",
            ("stream", id.ToString()));

        var one = await auditor.RunAsync("audit", "verify", name);
        Assert.True(one.ExitCode == 1, one.ToString());
        Assert.Contains($"stream {id}: broken at version 2: the hash of version 2 does not match", one.Out);
        var json = await auditor.RunAsync("audit", "verify", name, "--json");
        Assert.Equal(1, json.ExitCode);
        Assert.Equal(2, json.Json.GetProperty("firstBroken").GetInt64());
        var all = await auditor.RunAsync("audit", "verify", "--all");
        Assert.True(all.ExitCode == 1, all.ToString());
        Assert.Contains("1 broken", all.Out);
        Assert.Contains($"  stream {id}: broken at version 2", all.Out);
    }

    [Fact]
    public async Task TheHistoryOfADeletedContainerIsStillFoundByName()
    {
        var (owner, id, name) = await ReadyContainerAsync();
        using var _ = owner;
        using var auditor = await api.AdminAsync();
        Assert.Equal(0, (await owner.RunAsync("rm", name)).ExitCode);

        var events = await auditor.RunAsync("audit", "events", name, "--json");

        Assert.True(events.ExitCode == 0, events.ToString());
        Assert.Equal(id.ToString(), events.Json.GetProperty("streamId").GetString());
        Assert.Equal("container.deleted", events.Json.GetProperty("events").EnumerateArray().Last().GetProperty("type").GetString());
        Assert.Equal(0, (await auditor.RunAsync("audit", "verify", name)).ExitCode);
    }

    [Fact]
    public async Task AUserWhoIsNotAnAuditorIsRefusedWithExit3()
    {
        var (owner, id, name) = await ReadyContainerAsync();
        using var _ = owner;

        foreach (var args in new[]
                 {
                     new[] { "audit", "events", name }, ["audit", "state", id.ToString(), "--version", "1"], ["audit", "verify", name],
                     ["audit", "verify", "--all"], ["audit", "export", name], ["audit", "export", "--since", "1h"],
                 })
        {
            var run = await owner.RunAsync(args);
            Assert.True(run.ExitCode == 3, run.ToString());
            Assert.Contains("Forbidden", run.Err);
            Assert.Empty(run.Out);
        }
    }

    [Theory]
    [InlineData("audit", "state", "box")]
    [InlineData("audit", "state", "box", "--at", "1h", "--version", "1")]
    [InlineData("audit", "state", "box", "--at", "yesterday")]
    [InlineData("audit", "state", "box", "--version", "0")]
    [InlineData("audit", "events", "box", "--limit", "1001")]
    [InlineData("audit", "verify")]
    [InlineData("audit", "verify", "box", "--all")]
    [InlineData("audit", "export")]
    [InlineData("audit", "export", "box", "--since", "1h")]
    public async Task AMissingOrContradictoryChoiceIsAUsageError(params string[] args)
    {
        using var zlh = new Zlh(new Uri("http://127.0.0.1:9/"));
        var run = await zlh.RunAsync(args);
        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Empty(run.Out);
    }

    /// <summary>A new user's dev container, followed to ready: its stream has a deployment's worth of events.</summary>
    private async Task<(Zlh Owner, Guid Id, string Name)> ReadyContainerAsync()
    {
        var (owner, _) = await api.LoggedInAsync();
        var name = $"audited-{Guid.NewGuid():N}"[..16];
        var create = await owner.RunAsync("create", "dev", "--runtime", "node", "--version", "24", "--addon", "code-server", "--name", name, "--wait", "--json");
        Assert.True(create.ExitCode == 0, create.ToString());
        return (owner, create.Json.GetProperty("containerId").GetGuid(), name);
    }
}
