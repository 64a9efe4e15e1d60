using System.Text.Json;

namespace ZeroLagHub.Cli.Tests.Admin;

/// <summary>zlh admin projections|rebuild|deadletters against the real API, its projection daemon and its message worker.</summary>
public sealed class AdminTests(CliApiFixture api) : IClassFixture<CliApiFixture>
{
    private static readonly string[] Projections = ["container_directory", "container_status", "crash_history", "deployment_history"];

    [Fact]
    public async Task ProjectionsListsEachWithItsStateGenerationAndLag()
    {
        using var admin = await api.AdminAsync();

        var json = await admin.RunAsync("admin", "projections", "--json");

        Assert.True(json.ExitCode == 0, json.ToString());
        Assert.Equal(Projections, json.Json.EnumerateArray().Select(p => p.GetProperty("name").GetString()));
        Assert.All(json.Json.EnumerateArray(), p =>
        {
            Assert.False(string.IsNullOrEmpty(p.GetProperty("state").GetString()));
            Assert.True(p.GetProperty("generation").GetInt32() >= 1);
            Assert.True(p.GetProperty("eventsBehind").GetInt64() >= 0);
        });
        var table = await admin.RunAsync("admin", "projections");
        Assert.Matches(@"NAME\s+STATE\s+GENERATION\s+EVENTS BEHIND\s+SECONDS BEHIND\s+HELD BACK BY\s+FAULT", table.Out);
        Assert.All(Projections, name => Assert.Matches($@"{name}\s+\S+\s+\d+\s+\d+\s+\d+(\.\d)? s", table.Out));
    }

    [Fact]
    public async Task ARebuildIsFollowedUntilItsNewGenerationIsLive()
    {
        using var admin = await api.AdminAsync();
        var before = Generation((await admin.RunAsync("admin", "projections", "--json")).Json, "container_status");

        var rebuild = await admin.RunAsync("admin", "rebuild", "container_status", "--json");

        Assert.True(rebuild.ExitCode == 0, rebuild.ToString());
        var generation = rebuild.Json.GetProperty("generation").GetInt32();
        Assert.True(generation > before, rebuild.ToString());
        var status = rebuild.Json.GetProperty("status");
        Assert.Equal(generation, status.GetProperty("generation").GetInt32());
        Assert.Equal(JsonValueKind.Null, status.GetProperty("rebuild").ValueKind);
        Assert.Equal(generation, Generation((await admin.RunAsync("admin", "projections", "--json")).Json, "container_status"));

        // Piped: plain lines, the last one the outcome.
        var plain = await admin.RunAsync("admin", "rebuild", "deployment_history");
        Assert.True(plain.ExitCode == 0, plain.ToString());
        Assert.Matches(@"deployment_history: generation \d+ is live\s*$", plain.Out);

        var started = await admin.RunAsync("admin", "rebuild", "crash_history", "--no-wait", "--json");
        Assert.True(started.ExitCode == 0, started.ToString());
        var next = started.Json.GetProperty("generation").GetInt32();
        Assert.Equal(JsonValueKind.Null, started.Json.GetProperty("status").ValueKind);
        // Asking again joins the running rebuild (or, if it finished meanwhile, starts the one after).
        var joined = await admin.RunAsync("admin", "rebuild", "crash_history", "--json");
        Assert.True(joined.ExitCode == 0, joined.ToString());
        Assert.True(joined.Json.GetProperty("status").GetProperty("generation").GetInt32() >= next, joined.ToString());
    }

    [Fact]
    public async Task ADeadLetterIsListedReplayedUnderItsIdAndDiscarded()
    {
        using var admin = await api.AdminAsync();
        var empty = await admin.RunAsync("admin", "deadletters", "--type", "test.unreadable", "--json");
        Assert.True(empty.ExitCode == 0, empty.ToString());
        Assert.Empty(empty.Json.GetProperty("items").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, empty.Json.GetProperty("next").ValueKind);

        // A message of a type nobody handles, as Wolverine stores its dead letters.
        var id = Guid.NewGuid();
        await ZeroLagHub.Api.Tests.Operations.PlantedDeadLetter.PlantAsync(api.Services, id);
        await WaitForDeadLetterAsync(admin, id, replayed: false);
        var table = await admin.RunAsync("admin", "deadletters", "list", "--type", "test.unreadable");
        Assert.Matches($@"{id}\s+test\.unreadable\s+0\s+\d{{4}}-\d\d-\d\d \d\d:\d\d:\d\dZ\s+.*planted by a test", table.Out);

        var replay = await admin.RunAsync("admin", "deadletters", "replay", id.ToString());
        Assert.True(replay.ExitCode == 0, replay.ToString());
        Assert.Equal($"dead letter {id} replayed", replay.Out.Trim());
        // Delivered again under the same id and given up again: back with Wolverine's own error.
        await WaitForDeadLetterAsync(admin, id, replayed: true);

        var discard = await admin.RunAsync("admin", "deadletters", "discard", id.ToString(), "--json");
        Assert.True(discard.ExitCode == 0, discard.ToString());
        Assert.Equal("discarded", discard.Json.GetProperty("action").GetString());
        Assert.Empty((await admin.RunAsync("admin", "deadletters", "--type", "test.unreadable", "--json")).Json.GetProperty("items").EnumerateArray());
        foreach (var action in new[] { "replay", "discard" })
        {
            var gone = await admin.RunAsync("admin", "deadletters", action, id.ToString());
            Assert.True(gone.ExitCode == 3, gone.ToString());
            Assert.Contains("no dead letter", gone.Err);
        }
        Assert.Equal(2, (await admin.RunAsync("admin", "deadletters", "discard", "not-a-uuid")).ExitCode);
    }

    [Fact]
    public async Task OnlyAdminsOperateAndAnUnknownProjectionIsNotFound()
    {
        var (user, _) = await api.LoggedInAsync();
        using var _1 = user;
        foreach (var args in new[] { new[] { "admin", "projections" }, ["admin", "rebuild", "container_status"], ["admin", "deadletters"],
                     ["admin", "deadletters", "discard", Guid.NewGuid().ToString()] })
        {
            var run = await user.RunAsync(args);
            Assert.True(run.ExitCode == 3, run.ToString());
            Assert.Contains("Forbidden", run.Err);
        }

        using var admin = await api.AdminAsync();
        var unknown = await admin.RunAsync("admin", "rebuild", "nope");
        Assert.True(unknown.ExitCode == 3, unknown.ToString());
        Assert.Contains($"there are: {string.Join(", ", Projections)}", unknown.Err);
    }

    private static int Generation(JsonElement projections, string name) =>
        projections.EnumerateArray().Single(p => p.GetProperty("name").GetString() == name).GetProperty("generation").GetInt32();

    /// <param name="replayed">Wait for the dead letter Wolverine wrote after a replay, not the planted one.</param>
    private static async Task<JsonElement> WaitForDeadLetterAsync(Zlh admin, Guid id, bool replayed)
    {
        // Wolverine's durability agent moves a replayed letter back into the inbox on its polling cycle.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var page = await admin.RunAsync("admin", "deadletters", "list", "--type", "test.unreadable", "--json");
            Assert.True(page.ExitCode == 0, page.ToString());
            var found = page.Json.GetProperty("items").EnumerateArray().Where(d => d.GetProperty("id").GetGuid() == id).ToList();
            if (found is [var letter] && letter.GetProperty("error").GetString()!.Contains(ZeroLagHub.Api.Tests.Operations.PlantedDeadLetter.Error) != replayed)
                return letter;
            await Task.Delay(200);
        }
        throw new TimeoutException($"dead letter {id} did not appear");
    }
}
