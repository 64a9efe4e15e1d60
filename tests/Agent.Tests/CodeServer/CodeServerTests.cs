using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using ZeroLagHub.Agent.Tests.Install;
using ZeroLagHub.Domain.Agent;

namespace ZeroLagHub.Agent.Tests.CodeServer;

/// <summary>
/// code-server with a stand-in: the artifact's <c>bin/code-server</c> execs a small Python HTTP server
/// that binds where <c>--bind-addr</c> says and records its arguments in the workspace.
/// </summary>
public sealed class CodeServerTests : IAsyncLifetime
{
    private const string StandIn = """
        import http.server, json, os, sys
        args = sys.argv[1:]
        host, port = args[args.index("--bind-addr") + 1].rsplit(":", 1)
        with open(os.path.join(args[-1], ".code-server-args.json"), "w") as f:
            json.dump(args, f)
        http.server.HTTPServer((host, int(port)), http.server.SimpleHTTPRequestHandler).serve_forever()
        """;

    private readonly Sandbox _sandbox = new();
    private readonly int _port = FreePort();
    private ArtifactServerFixture _artifacts = null!;
    private AgentHost _agent = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        var python = Python();
        _artifacts = await ArtifactServerFixture.StartAsync();
        _artifacts.AddAddon("code-server", "4.96.4", "code-server-4.96.4-linux-amd64.tar.gz", new TestArchive()
            .File("code-server-4.96.4-linux-amd64/bin/code-server",
                $"#!/bin/sh\nROOT=$(cd \"$(dirname \"$0\")/..\" && pwd)\nexec '{python}' \"$ROOT/lib/standin.py\" \"$@\"\n", TestArchive.Executable)
            .File("code-server-4.96.4-linux-amd64/lib/standin.py", StandIn)
            .File("code-server-4.96.4-linux-amd64/lib/node", "#!/bin/sh\n", TestArchive.Executable)
            .TarGz());
        var settings = _artifacts.AgentSettings();
        settings["DevUser"] = "zlh-test-no-such-user";
        settings["CodeServerPort"] = _port.ToString();
        _agent = new AgentHost(_sandbox, settings);
        _client = _agent.Authorized();
    }

    [Fact]
    public async Task TheAddonIsInstalledIntoServicesAndStatusSaysSo()
    {
        var result = await Provision();
        var install = Assert.Single(result.Installs);
        Assert.Equal(("code-server", "4.96.4", _sandbox.Path("opt/zlh/services/code-server")), (install.Name, install.Version, install.Path));
        Assert.True(File.Exists(_sandbox.Path("opt/zlh/services/code-server/lib/node")));

        var status = (await _client.GetFromJsonAsync<AgentStatus>("/status"))!;
        Assert.True(status.CodeServerInstalled);
        Assert.False(status.CodeServerRunning);
        Assert.True(status.DevProvisioned);
        Assert.Contains("addon.installed", await JournalKinds());
    }

    [Fact]
    public async Task StartListensOnLoopbackOnlyWithTheIdeArgumentsAndStopEndsIt()
    {
        await Provision();
        var started = await Command("start");
        Assert.Equal(HttpStatusCode.OK, started.StatusCode);
        var state = (await started.Content.ReadFromJsonAsync<CodeServerState>())!;
        Assert.Equal(("started", true), (state.Outcome, state.Running));

        var args = JsonSerializer.Deserialize<string[]>(await File.ReadAllTextAsync(_sandbox.Path("home/dev/workspace/.code-server-args.json")))!;
        Assert.Equal(["--auth", "none", "--disable-telemetry", "--bind-addr", $"127.0.0.1:{_port}", _sandbox.Path("home/dev/workspace")], args);
        Assert.Equal(["127.0.0.1"], ListeningAddresses(_port));
        Assert.True((await _client.GetFromJsonAsync<AgentStatus>("/status"))!.CodeServerRunning);

        var again = (await (await Command("start")).Content.ReadFromJsonAsync<CodeServerState>())!;
        Assert.Equal(("already running", state.Pid), (again.Outcome, again.Pid));

        var stopped = (await (await Command("stop")).Content.ReadFromJsonAsync<CodeServerState>())!;
        Assert.Equal(("stopped", false), (stopped.Outcome, stopped.Running));
        Assert.False((await _client.GetFromJsonAsync<AgentStatus>("/status"))!.CodeServerRunning);
        Assert.Empty(ListeningAddresses(_port));
        var kinds = await JournalKinds();
        Assert.Contains("codeserver.started", kinds);
        Assert.Contains("codeserver.stopped", kinds);
        Assert.DoesNotContain("codeserver.died", kinds);
    }

    [Fact]
    public async Task ACodeServerThatDiesIsJournalledAndReportedNotRestarted()
    {
        await Provision();
        var state = (await (await Command("start")).Content.ReadFromJsonAsync<CodeServerState>())!;
        Process.GetProcessById(state.Pid!.Value).Kill();

        var died = await Eventually(async () => (await _client.GetFromJsonAsync<JournalPage>("/journal"))!.Entries.FirstOrDefault(e => e.Kind == "codeserver.died"));
        Assert.Equal(state.Pid, died.Data.GetProperty("pid").GetInt32());
        Assert.False((await _client.GetFromJsonAsync<AgentStatus>("/status"))!.CodeServerRunning);

        await Task.Delay(500);   // were it restarted, it would be back by now
        var now = (await _client.GetFromJsonAsync<CodeServerState>("/dev/codeserver"))!;
        Assert.False(now.Running);
        Assert.NotNull(now.LastExit);
        Assert.Equal(137, now.LastExit.ExitCode);   // 128 + SIGKILL
    }

    [Fact]
    public async Task RestartGivesANewProcess()
    {
        await Provision();
        var first = (await (await Command("start")).Content.ReadFromJsonAsync<CodeServerState>())!;
        var restarted = (await (await Command("restart")).Content.ReadFromJsonAsync<CodeServerState>())!;
        Assert.True(restarted.Running);
        Assert.NotEqual(first.Pid, restarted.Pid);
        await Command("stop");
    }

    [Fact]
    public async Task StartBeforeTheAddonIsInstalledIsAConflict()
    {
        var response = await Command("start");
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("NotInstalled", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ARepeatedStartCommandIdReturnsTheFirstResult()
    {
        await Provision();
        var first = await (await Command("start", "cs-1")).Content.ReadAsStringAsync();
        await Command("stop");
        var repeat = await Command("start", "cs-1");
        Assert.Equal(first, await repeat.Content.ReadAsStringAsync());
        Assert.False((await _client.GetFromJsonAsync<AgentStatus>("/status"))!.CodeServerRunning);
    }

    private async Task<ProvisionResult> Provision()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/provision") { Content = JsonContent.Create(new { addons = new[] { "code-server" } }) };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        var response = await _client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<ProvisionResult>())!;
    }

    private async Task<HttpResponseMessage> Command(string action, string? commandId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/dev/codeserver/{action}");
        request.Headers.Add("Idempotency-Key", commandId ?? Guid.NewGuid().ToString());
        return await _client.SendAsync(request);
    }

    private async Task<List<string>> JournalKinds() =>
        [.. (await _client.GetFromJsonAsync<JournalPage>("/journal"))!.Entries.Select(e => e.Kind)];

    private static async Task<T> Eventually<T>(Func<Task<T?>> probe) where T : class
    {
        for (var i = 0; i < 100; i++)
        {
            if (await probe() is { } value) return value;
            await Task.Delay(50);
        }
        throw new TimeoutException("condition not met within 5 s");
    }

    /// <summary>Local addresses of TCP sockets listening on <paramref name="port"/>, from /proc/net/tcp and tcp6.</summary>
    private static List<string> ListeningAddresses(int port)
    {
        var found = new List<string>();
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            if (!File.Exists(table)) continue;
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var local = f[1].Split(':');
                if (f[3] != "0A" || Convert.ToInt32(local[1], 16) != port) continue;   // 0A = LISTEN
                var bytes = Convert.FromHexString(local[0]);
                // /proc prints each 32-bit word in host (little-endian) order.
                for (var w = 0; w < bytes.Length; w += 4) Array.Reverse(bytes, w, 4);
                found.Add(new IPAddress(bytes).ToString());
            }
        }
        return found;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The real interpreter (not a pyenv shim), so the stand-in's command line is simple.</summary>
    private static string Python()
    {
        var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in (string[])["-c", "import sys; print(sys.executable)"]) start.ArgumentList.Add(arg);
        using var p = Process.Start(start)!;
        var path = p.StandardOutput.ReadToEnd().Trim();
        p.WaitForExit();
        return path;
    }

    public async Task DisposeAsync()
    {
        try { await Command("stop"); } catch (HttpRequestException) { }
        _agent.Dispose();
        await _artifacts.DisposeAsync();
        _sandbox.Dispose();
    }
}
