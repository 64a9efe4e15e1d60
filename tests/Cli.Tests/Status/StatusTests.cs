using System.Text.Json;

namespace ZeroLagHub.Cli.Tests.Status;

/// <summary><c>zlh status [container] [--watch]</c> against the real API, its status projection and its stream.</summary>
public sealed class StatusTests(CliApiFixture api) : IClassFixture<CliApiFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task StatusListsMyContainersShowsOneAndWatchPrintsEachChangeAsItHappens()
    {
        var (zlh, _) = await api.LoggedInAsync();
        using var __ = zlh;
        var create = await zlh.RunAsync("create", "dev", "--runtime", "node", "--version", "24", "--addon", "code-server", "--wait", "--json");
        Assert.True(create.ExitCode == 0, create.ToString());
        var container = (await zlh.RunAsync("ls", "--json")).Json.EnumerateArray().Single();
        var (id, name) = (container.GetProperty("id").GetGuid(), container.GetProperty("name").GetString()!);

        // The status projection runs a moment behind the deployment's end.
        var all = await EventuallyAsync(async () =>
        {
            var run = await zlh.RunAsync("status", "--json");
            Assert.True(run.ExitCode == 0, run.ToString());
            return run.Json.EnumerateArray().SingleOrDefault(s => s.GetProperty("containerId").GetGuid() == id) is { ValueKind: JsonValueKind.Object } s
                   && s.GetProperty("state").GetString() == "running" ? run : null;
        });
        Assert.Single(all.Json.EnumerateArray());
        // People read names; -o wide adds the id.
        var table = await zlh.RunAsync("status");
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(table.Out, $@"{name}\W+dev\W+running\W+node 24\W+online"), table.ToString());
        Assert.DoesNotContain(id.ToString(), table.Out);
        var wide = await zlh.RunAsync("status", "-o", "wide");
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(wide.Out, $@"{name}\W+{id}\W+dev\W+running"), wide.ToString());

        var one = await zlh.RunAsync("status", id.ToString()[..8], "--json");
        Assert.True(one.ExitCode == 0, one.ToString());
        Assert.Equal((id, "running", "ready"), (one.Json.GetProperty("containerId").GetGuid(), one.Json.GetProperty("state").GetString(),
            one.Json.GetProperty("lifecycle").GetString()));
        var detail = (await zlh.RunAsync("status", id.ToString())).Out;
        Assert.Matches(@"state\s+running", detail);
        Assert.Matches($@"container\s+{name}", detail);

        await using var watch = zlh.Start("status", id.ToString(), "--watch", "--json");
        var first = JsonDocument.Parse(await watch.NextLineAsync(Patience)).RootElement;
        Assert.Equal((id, "running"), (first.GetProperty("containerId").GetGuid(), first.GetProperty("state").GetString()));
        var stop = await zlh.RunAsync("stop", id.ToString());
        Assert.True(stop.ExitCode == 0, stop.ToString());
        JsonElement change;
        do change = JsonDocument.Parse(await watch.NextLineAsync(Patience)).RootElement;
        while (change.GetProperty("lifecycle").GetString() != "stopped");
        Assert.Equal((id, "offline"), (change.GetProperty("containerId").GetGuid(), change.GetProperty("state").GetString()));
    }

    [Fact]
    public async Task WatchNamesAContainerCreatedAfterItBegan()
    {
        var (zlh, _) = await api.LoggedInAsync();
        using var __ = zlh;
        Assert.Equal(0, (await zlh.RunAsync("create", "dev", "--name", "before-watch", "--json")).ExitCode);
        await using var watch = zlh.Start("status", "--watch");
        // Its first line proves the watch follows the stream and has loaded the names it knew at the start.
        Assert.Contains("before-watch", await watch.NextLineAsync(Patience));

        var create = await zlh.RunAsync("create", "dev", "--name", "after-watch", "--json");
        Assert.True(create.ExitCode == 0, create.ToString());
        var id = (await zlh.RunAsync("ls", "--json")).Json.EnumerateArray().Single(c => c.GetProperty("name").GetString() == "after-watch")
            .GetProperty("id").GetString()!;
        string line;
        do line = await watch.NextLineAsync(Patience);
        while (line.Contains("before-watch"));
        Assert.Contains(" after-watch ", line);
        Assert.DoesNotContain(id, line);
    }

    [Fact]
    public async Task AnotherUsersContainerIsNotFound()
    {
        var (owner, _) = await api.LoggedInAsync();
        var (stranger, _) = await api.LoggedInAsync();
        using var __ = owner;
        using var ___ = stranger;
        Assert.Equal(0, (await owner.RunAsync("create", "dev", "--json")).ExitCode);
        var id = (await owner.RunAsync("ls", "--json")).Json.EnumerateArray().Single().GetProperty("id").GetString()!;

        var run = await stranger.RunAsync("status", id);
        Assert.True(run.ExitCode == 3, run.ToString());
        var watch = await stranger.RunAsync("status", id, "--watch");
        Assert.True(watch.ExitCode == 3, watch.ToString());
    }

    private static async Task<ZlhResult> EventuallyAsync(Func<Task<ZlhResult?>> probe)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline)
        {
            if (await probe() is { } found) return found;
            await Task.Delay(250);
        }
        throw new TimeoutException("the status did not show");
    }
}
