using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using ZeroLagHub.Agent.Tests.Install;
using ZeroLagHub.Domain.Agent;

namespace ZeroLagHub.Agent.Tests.CodeServer;

/// <summary>
/// code-server with a stand-in: the artifact's <c>bin/code-server</c> execs a small Python HTTP server that
/// records its arguments in the workspace and listens on the Unix socket <c>--socket</c> names (it has no
/// TCP port to fall back to), setting <c>--socket-mode</c> as code-server does: after it listens, here half
/// a second later, so that "started" is seen to wait for the mode.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class CodeServerTests : IAsyncLifetime
{
    private const string StandIn = """
        import http.server, json, os, socketserver, sys, time
        args = sys.argv[1:]
        with open(os.path.join(args[-1], ".code-server-args.json"), "w") as f:
            json.dump(args, f)
        with open(os.path.join(args[-1], ".code-server-shell"), "w") as f:
            f.write(os.environ.get("SHELL", ""))
        path = args[args.index("--socket") + 1]
        if os.path.lexists(path):
            os.unlink(path)
        class Handler(http.server.SimpleHTTPRequestHandler):
            def address_string(self):
                return "unix"
        server = socketserver.UnixStreamServer(path, Handler)
        time.sleep(0.5)
        os.chmod(path, int(args[args.index("--socket-mode") + 1], 8))
        server.serve_forever()
        """;

    private readonly Sandbox _sandbox = new();
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
        _agent = new AgentHost(_sandbox, AgentSettings());
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
    public async Task StartListensOnAPrivateUnixSocketOnlyWithTheIdeArgumentsAndStopEndsIt()
    {
        await Provision();
        var started = await Command("start");
        Assert.Equal(HttpStatusCode.OK, started.StatusCode);
        var state = (await started.Content.ReadFromJsonAsync<CodeServerState>())!;
        Assert.Equal(("started", true, SocketPath), (state.Outcome, state.Running, state.Socket));

        var args = JsonSerializer.Deserialize<string[]>(await File.ReadAllTextAsync(_sandbox.Path("home/dev/workspace/.code-server-args.json")))!;
        Assert.Equal(["--auth", "none", "--disable-telemetry", "--socket", SocketPath, "--socket-mode", "600", _sandbox.Path("home/dev/workspace")], args);
        // Its terminals get a shell, whatever the user's passwd entry says (the local host's users have nologin).
        Assert.Equal(File.Exists("/bin/bash") ? "/bin/bash" : "/bin/sh", await File.ReadAllTextAsync(_sandbox.Path("home/dev/workspace/.code-server-shell")));
        // Private the moment "started" is answered: the socket 0600, in a directory 0700 of code-server's user (here the agent's).
        Assert.Equal(((UnixFileMode)0b110_000_000, (UnixFileMode)0b111_000_000),
            (File.GetUnixFileMode(SocketPath), File.GetUnixFileMode(Path.GetDirectoryName(SocketPath)!)));
        Assert.Empty(TcpListenersOf(state.Pid!.Value));
        await File.WriteAllTextAsync(_sandbox.Path("home/dev/workspace/hello.txt"), "over the socket");
        using (var overSocket = UnixSocketClient(SocketPath))
            Assert.Equal("over the socket", await overSocket.GetStringAsync("http://code-server/hello.txt"));
        Assert.True((await _client.GetFromJsonAsync<AgentStatus>("/status"))!.CodeServerRunning);

        var again = (await (await Command("start")).Content.ReadFromJsonAsync<CodeServerState>())!;
        Assert.Equal(("already running", state.Pid), (again.Outcome, again.Pid));

        var stopped = (await (await Command("stop")).Content.ReadFromJsonAsync<CodeServerState>())!;
        Assert.Equal(("stopped", false), (stopped.Outcome, stopped.Running));
        Assert.False((await _client.GetFromJsonAsync<AgentStatus>("/status"))!.CodeServerRunning);
        Assert.False(Path.Exists(SocketPath));
        var kinds = await JournalKinds();
        Assert.Contains("codeserver.started", kinds);
        Assert.Contains("codeserver.stopped", kinds);
        Assert.DoesNotContain("codeserver.died", kinds);
    }

    [Fact]
    public async Task TheIdeHopKeepsReachingCodeServerAfterAnotherProcessTakesItsSocketsPath()
    {
        await Provision();
        Assert.Equal(HttpStatusCode.OK, (await Command("start")).StatusCode);
        await File.WriteAllTextAsync(_sandbox.Path("home/dev/workspace/hello.txt"), "from code-server");
        // The hop's own name for the socket: in a directory only the agent may enter and write.
        var hopDirectory = Path.GetDirectoryName(HopSocketPath)!;
        Assert.Equal((UnixFileMode)0b111_000_000, File.GetUnixFileMode(hopDirectory));
        Assert.Equal(Environment.UserName, OwnerOf(hopDirectory));

        // The container's code (code-server's user) replaces code-server's socket with its own, which never answers.
        File.Delete(SocketPath);
        using var impostor = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        impostor.Bind(new UnixDomainSocketEndPoint(SocketPath));
        impostor.Listen();

        Assert.Equal("from code-server", await _client.GetStringAsync("/ide/hello.txt").WaitAsync(TimeSpan.FromSeconds(20)));
        await Command("stop");
        Assert.False(Path.Exists(HopSocketPath));
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
    public async Task AnotherLocalUserCanNeitherEnterTheSocketsDirectoryNorOpenTheSocket()
    {
        if (!Environment.IsPrivilegedProcess) return;   // only root can act as another user
        // Every directory above the socket's may be entered by anyone: only the socket's own modes keep "nobody" out.
        File.SetUnixFileMode(_sandbox.Root, (UnixFileMode)0b111_101_101);
        await Provision();
        Assert.Equal(HttpStatusCode.OK, (await Command("start")).StatusCode);
        var directory = Path.GetDirectoryName(SocketPath)!;
        Assert.Equal(0, AsNobody("test", "-x", Path.GetDirectoryName(directory)!).ExitCode);

        var (code, output) = AsNobody("curl", "-v", "--unix-socket", SocketPath, "http://code-server/");
        Assert.NotEqual(0, code);
        Assert.Contains("Permission denied", output);

        // The second layer alone: with the directory opened up, the socket's 0600 still refuses.
        File.SetUnixFileMode(directory, (UnixFileMode)0b111_101_101);
        (code, output) = AsNobody("curl", "-v", "--unix-socket", SocketPath, "http://code-server/");
        Assert.NotEqual(0, code);
        Assert.Contains("Permission denied", output);

        // A restart makes the directory private again.
        Assert.Equal(HttpStatusCode.OK, (await Command("restart")).StatusCode);
        Assert.Equal((UnixFileMode)0b111_000_000, File.GetUnixFileMode(directory));
    }

    [Fact]
    public async Task AStaleSocketAndAnOpenDirectoryLeftBehindAreReplacedByPrivateOnes()
    {
        await Provision();
        var directory = Path.GetDirectoryName(SocketPath)!;
        Directory.CreateDirectory(directory);
        File.SetUnixFileMode(directory, (UnixFileMode)0b111_111_111);
        // Bound, never listening: what a killed process leaves. (Held: .NET deletes a socket's file when disposing it.)
        using var stale = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        stale.Bind(new UnixDomainSocketEndPoint(SocketPath));
        Assert.True(Path.Exists(SocketPath));   // (File.Exists is false for a socket)

        var state = (await (await Command("start")).Content.ReadFromJsonAsync<CodeServerState>())!;
        Assert.Equal(("started", true), (state.Outcome, state.Running));
        Assert.Equal((UnixFileMode)0b111_000_000, File.GetUnixFileMode(directory));
        using var overSocket = UnixSocketClient(SocketPath);
        Assert.Equal(HttpStatusCode.OK, (await overSocket.GetAsync("http://code-server/")).StatusCode);
    }

    [Fact]
    public async Task ASymbolicLinkInPlaceOfTheSocketsDirectoryIsRefusedAndItsTargetLeftAlone()
    {
        await Provision();
        var target = _sandbox.Path("elsewhere");
        Directory.CreateDirectory(target);
        File.SetUnixFileMode(target, (UnixFileMode)0b111_101_101);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetDirectoryName(SocketPath)!)!);
        File.CreateSymbolicLink(Path.GetDirectoryName(SocketPath)!, target);

        var response = await Command("start");
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("SocketUnavailable", problem.GetProperty("error").GetString());
        Assert.Equal((UnixFileMode)0b111_101_101, File.GetUnixFileMode(target));
        Assert.False((await _client.GetFromJsonAsync<CodeServerState>("/dev/codeserver"))!.Running);
    }

    [Fact]
    public async Task ARunDirTooLongForAUnixSocketIsRefusedWithTheReason()
    {
        var settings = AgentSettings();
        settings["RunDir"] = _sandbox.Path(new string('r', 100));
        _agent.Dispose();
        _agent = new AgentHost(_sandbox, settings);
        _client = _agent.Authorized();
        await Provision();

        var response = await Command("start");
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("SocketUnavailable", problem.GetProperty("error").GetString());
        Assert.Contains("107", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task ACodeServerNotOnTheSocketIsReplacedByAStart()
    {
        await Provision();
        using var legacy = StartLegacyCodeServer();
        Assert.Equal(legacy.Id, (await _client.GetFromJsonAsync<CodeServerState>("/dev/codeserver"))!.Pid);

        var state = (await (await Command("start")).Content.ReadFromJsonAsync<CodeServerState>())!;
        Assert.Equal(("started", true), (state.Outcome, state.Running));
        Assert.NotEqual(legacy.Id, state.Pid);
        Assert.True(legacy.WaitForExit(5000));
        Assert.Equal((UnixFileMode)0b110_000_000, File.GetUnixFileMode(SocketPath));
    }

    [Fact]
    public async Task AtAgentStartUpACodeServerNotOnTheSocketIsRestartedOnIt()
    {
        await Provision();
        _agent.Dispose();
        using var legacy = StartLegacyCodeServer();
        _agent = new AgentHost(_sandbox, AgentSettings());
        _client = _agent.Authorized();

        // Replaced in the background once the agent is up: ready when the journal says it started.
        var started = await Eventually(async () => (await _client.GetFromJsonAsync<JournalPage>("/journal"))!.Entries.FirstOrDefault(e => e.Kind == "codeserver.started"), seconds: 30);
        Assert.True(legacy.WaitForExit(5000));
        var now = (await _client.GetFromJsonAsync<CodeServerState>("/dev/codeserver"))!;
        Assert.Equal((true, started.Data.GetProperty("pid").GetInt32(), SocketPath), (now.Running, now.Pid!.Value, started.Data.GetProperty("socket").GetString()));
        Assert.Equal((UnixFileMode)0b110_000_000, File.GetUnixFileMode(SocketPath));
        using var overSocket = UnixSocketClient(SocketPath);
        Assert.Equal(HttpStatusCode.OK, (await overSocket.GetAsync("http://code-server/")).StatusCode);
    }

    [Fact]
    public async Task AtAgentStartUpACodeServerOnTheSocketWithoutTheHopsLinkIsRestartedSoTheIdeReachesIt()
    {
        await Provision();
        _agent.Dispose();
        // What an agent from before the hop's link leaves running: code-server on its socket, no link.
        Directory.CreateDirectory(Path.GetDirectoryName(SocketPath)!);
        var start = new ProcessStartInfo(_sandbox.Path("opt/zlh/services/code-server/bin/code-server")) { UseShellExecute = false };
        foreach (var arg in (string[])["--auth", "none", "--disable-telemetry", "--socket", SocketPath, "--socket-mode", "600", _sandbox.Path("home/dev/workspace")])
            start.ArgumentList.Add(arg);
        using var earlier = Process.Start(start)!;
        await Eventually(() => Task.FromResult(Path.Exists(SocketPath) ? "listening" : null));
        _agent = new AgentHost(_sandbox, AgentSettings());
        _client = _agent.Authorized();

        await Eventually(async () => (await _client.GetFromJsonAsync<JournalPage>("/journal"))!.Entries.FirstOrDefault(e => e.Kind == "codeserver.started"), seconds: 30);
        Assert.True(earlier.WaitForExit(5000));
        Assert.True(Path.Exists(HopSocketPath));
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/ide/")).StatusCode);
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

    private static async Task<T> Eventually<T>(Func<Task<T?>> probe, int seconds = 5) where T : class
    {
        for (var i = 0; i < seconds * 20; i++)
        {
            if (await probe() is { } value) return value;
            await Task.Delay(50);
        }
        throw new TimeoutException($"condition not met within {seconds} s");
    }

    private string SocketPath => _sandbox.Path("var/lib/zlh-agent/run/code-server/code-server.sock");

    private string HopSocketPath => _sandbox.Path("var/lib/zlh-agent/run/ide/code-server.sock");

    private static string OwnerOf(string path)
    {
        var psi = new ProcessStartInfo("stat", ["-c", "%U", path]) { RedirectStandardOutput = true };
        using var stat = Process.Start(psi)!;
        var owner = stat.StandardOutput.ReadToEnd().Trim();
        stat.WaitForExit();
        return owner;
    }

    private Dictionary<string, string> AgentSettings()
    {
        var settings = _artifacts.AgentSettings();
        settings["DevUser"] = "zlh-test-no-such-user";
        return settings;
    }

    /// <summary>
    /// What an agent from before the socket left running: a process of the installed code-server with
    /// <c>--bind-addr 127.0.0.1:&lt;port&gt;</c> and no <c>--socket</c> (here a Python that sleeps).
    /// </summary>
    private Process StartLegacyCodeServer()
    {
        var start = new ProcessStartInfo(Python()) { UseShellExecute = false };
        foreach (var arg in (string[])["-c", "import time; time.sleep(600)", _sandbox.Path("opt/zlh/services/code-server/bin/code-server"),
                     "--auth", "none", "--bind-addr", "127.0.0.1:8080", _sandbox.Path("home/dev/workspace")])
            start.ArgumentList.Add(arg);
        return Process.Start(start)!;
    }

    /// <summary>
    /// The TCP sockets process <paramref name="pid"/> listens on, as <c>address:port</c>: its socket fds' inodes
    /// (/proc/&lt;pid&gt;/fd) looked up among the LISTEN entries of /proc/net/tcp and tcp6.
    /// </summary>
    private static List<string> TcpListenersOf(int pid)
    {
        var inodes = new HashSet<string>();
        foreach (var fd in Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd"))
            if (new FileInfo(fd).LinkTarget is { } target && target.StartsWith("socket:[", StringComparison.Ordinal))
                inodes.Add(target["socket:[".Length..^1]);
        Assert.NotEmpty(inodes);   // it has its Unix socket at least: the fds were readable
        var found = new List<string>();
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            if (!File.Exists(table)) continue;
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (f[3] == "0A" && inodes.Contains(f[9])) found.Add(f[1]);   // 0A = LISTEN; field 9 is the inode
            }
        }
        return found;
    }

    /// <summary>An HTTP client whose every connection goes to the Unix socket <paramref name="path"/>.</summary>
    private static HttpClient UnixSocketClient(string path) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (_, ct) =>
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), ct);
            return new NetworkStream(socket, ownsSocket: true);
        },
    });

    /// <summary>Runs a command as the user <c>nobody</c> (65534); its exit code and output.</summary>
    private static (int ExitCode, string Output) AsNobody(params string[] command)
    {
        var start = new ProcessStartInfo("setpriv") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in (string[])["--reuid=65534", "--regid=65534", "--clear-groups", "--", .. command]) start.ArgumentList.Add(arg);
        using var p = Process.Start(start)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output.Result + error);
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
