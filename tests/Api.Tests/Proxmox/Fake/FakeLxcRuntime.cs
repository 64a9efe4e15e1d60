using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Runtime.InteropServices;
using System.Text.Json;
using ZeroLagHub.Api.Hosts.Local;
using ZeroLagHub.Api.Hosts.Proxmox.Enrollment;
using ZeroLagHub.Api.Hosts.Proxmox.Privileged;

namespace ZeroLagHub.Api.Tests.Proxmox.Fake;

/// <summary>
/// What happens on the node and inside the fake Proxmox's containers, so that a deployment meets a real
/// agent: the privileged runner's <c>pct push</c> writes into the container's root directory, and a
/// started container runs the golden template's first-boot unit (docs/proxmox.md §4) — wait for
/// <c>/etc/zlh/enrollment.json</c>, exchange it at the control plane over HTTP, write the agent's
/// configuration, delete the file, start the real agent on the container's address.
/// </summary>
/// <remarks>
/// Each container gets its own loopback address (127.0.0.2 and up; Linux answers on all of 127/8), so
/// every agent listens on the same configured <c>AgentPort</c>, as in real LXCs.
/// </remarks>
public sealed class FakeLxcRuntime : IPrivilegedRunner, IAsyncDisposable
{
    private const string EnrollmentFile = "etc/zlh/enrollment.json";
    private readonly string _root = Directory.CreateTempSubdirectory("zlh-fake-lxc-").FullName;
    private readonly int _agentPort;
    private readonly ConcurrentDictionary<int, Booted> _running = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public FakeLxcRuntime(FakeProxmoxServer proxmox, int agentPort)
    {
        _agentPort = agentPort;
        proxmox.Started = Boot;
        proxmox.Stopped = Halt;
    }

    /// <summary>Every file pushed, as (vmid, path, content): the test checks secrets stay out of the history.</summary>
    public ConcurrentQueue<(int Vmid, string Path, string Content)> Pushes { get; } = new();

    /// <summary>What the first-boot units printed (failed exchanges, agent output): shown when a test fails.</summary>
    public ConcurrentQueue<string> Log { get; } = new();

    public async Task PushFileAsync(string node, int vmid, string path, ReadOnlyMemory<byte> content, CancellationToken ct)
    {
        var text = System.Text.Encoding.UTF8.GetString(content.Span);
        Pushes.Enqueue((vmid, path, text));
        var file = Path.Combine(RootOf(vmid), path.TrimStart('/'));
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        // Written aside and renamed, as pct push lands whole: the first-boot unit never reads half a file.
        await File.WriteAllBytesAsync(file + ".tmp", content.ToArray(), ct);
        File.Move(file + ".tmp", file, overwrite: true);
    }

    private string RootOf(int vmid) => Path.Combine(_root, $"ct{vmid}");

    private void Boot(FakeContainer container)
    {
        container.Address = $"127.0.0.{2 + container.Vmid % 250}";
        var booted = new Booted();
        _running[container.Vmid] = booted;
        booted.FirstBoot = Task.Run(() => FirstBootAsync(container.Vmid, container.Address, booted));
    }

    private void Halt(FakeContainer container)
    {
        if (_running.TryRemove(container.Vmid, out var booted)) booted.Stop();
    }

    /// <summary>The template's zlh-enroll.service, in C#: the same steps as the shell script in docs/proxmox.md.</summary>
    private async Task FirstBootAsync(int vmid, string address, Booted booted)
    {
        var root = RootOf(vmid);
        var file = Path.Combine(root, EnrollmentFile);
        var config = Path.Combine(root, "etc", "zlh", "agent.json");
        try
        {
            // Enrolled on an earlier boot: the unit's ConditionPathExists skips it, the agent just starts.
            if (File.Exists(config))
            {
                booted.Agent = StartAgent(config, $"http://{address}:{_agentPort}", vmid);
                return;
            }
            while (!File.Exists(file))
            {
                if (booted.Halted.IsCancellationRequested) return;
                await Task.Delay(100, booted.Halted.Token);
            }
            using var enrollment = JsonDocument.Parse(await File.ReadAllTextAsync(file));
            var e = enrollment.RootElement;
            var (controlPlane, containerId) = (e.GetProperty("controlPlane").GetString()!, e.GetProperty("containerId").GetGuid());
            var answer = await _http.PostAsJsonAsync($"{controlPlane.TrimEnd('/')}/api/agents/enroll",
                new { containerId, enrollmentToken = e.GetProperty("enrollmentToken").GetString() }, booted.Halted.Token);
            if (!answer.IsSuccessStatusCode)
            {
                Log.Enqueue($"CT {vmid}: enrollment refused: {(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync()}");
                return;
            }
            var enrolled = (await answer.Content.ReadFromJsonAsync<AgentEnrollmentApi.EnrollResponse>())!;
            await File.WriteAllTextAsync(config, JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["ContainerId"] = containerId,
                ["Vmid"] = e.GetProperty("vmid").GetInt32(),
                ["Kind"] = e.GetProperty("kind").GetString()!,
                ["Token"] = enrolled.AgentToken,
                ["ArtifactServer"] = enrolled.ArtifactServer,
                ["ArtifactToken"] = enrolled.ArtifactToken,
                ["ZlhRoot"] = Path.Combine(root, "opt", "zlh"),
                ["DevHome"] = Path.Combine(root, "home", "dev"),
                ["ServerRoot"] = Path.Combine(root, "srv", "server"),
                ["DataDir"] = Path.Combine(root, "var", "lib", "zlh-agent"),
            }));
            File.Delete(file);
            booted.Agent = StartAgent(config, $"http://{address}:{_agentPort}", vmid);
            if (booted.Halted.IsCancellationRequested) booted.Stop(); // stopped while the agent was starting
        }
        catch (OperationCanceledException) when (booted.Halted.IsCancellationRequested) { }
        catch (Exception ex) when (ex is IOException or HttpRequestException or JsonException)
        {
            Log.Enqueue($"CT {vmid}: first boot failed: {ex.Message}");
        }
    }

    private Process StartAgent(string config, string url, int vmid)
    {
        var dotnet = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..", "dotnet"));
        var start = new ProcessStartInfo(dotnet) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in (string[])[AgentBinary.Find(""), "--config", config, "--urls", url]) start.ArgumentList.Add(arg);
        var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start the agent");
        process.OutputDataReceived += (_, line) => { if (line.Data is not null) Log.Enqueue($"CT {vmid}: {line.Data}"); };
        process.ErrorDataReceived += (_, line) => { if (line.Data is not null) Log.Enqueue($"CT {vmid}: {line.Data}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var booted in _running.Values) booted.Stop();
        await Task.WhenAll(_running.Values.Select(b => b.FirstBoot ?? Task.CompletedTask));
        _http.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    /// <summary>One running container: its first-boot unit, then its agent (our own child process, killed on stop).</summary>
    private sealed class Booted
    {
        public CancellationTokenSource Halted { get; } = new();
        public Task? FirstBoot { get; set; }
        public Process? Agent { get; set; }

        public void Stop()
        {
            Halted.Cancel();
            if (Agent is { HasExited: false } agent)
            {
                agent.Kill(entireProcessTree: true);
                agent.WaitForExit(10_000);
            }
            Agent?.Dispose();
        }
    }
}
