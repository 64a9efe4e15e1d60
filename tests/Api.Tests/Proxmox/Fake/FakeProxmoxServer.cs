using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ZeroLagHub.Api.Tests.Proxmox.Fake;

/// <summary>
/// A Proxmox VE API on real Kestrel over HTTPS (a self-signed certificate made in the test), answering
/// in the shapes real Proxmox uses: <c>{"data": …}</c>, node cpu as a fraction, loadavg as strings,
/// nextid as a string, no vmid in status/current, task exitstatus only once stopped, 403s whose reason
/// (in the status line, as Proxmox sends it) names path and privilege. One server is one node
/// (<see cref="NodeName"/>, <see cref="Node"/> unless started with another): several stand for a cluster.
/// </summary>
public sealed class FakeProxmoxServer : IAsyncDisposable
{
    public const string Node = "pve1";
    public const string TokenId = "zlh@pve!control-plane";
    public const string TokenSecret = "8f1c6c2e-2f5b-4c61-9d43-secret-0042";
    public const int TemplateVmid = 9000;

    private readonly WebApplication _app;
    private int _pid = 0x1000;
    private long _clock = 0x670000A0;
    private bool _down;

    private FakeProxmoxServer(WebApplication app, X509Certificate2 certificate, string node)
    {
        _app = app;
        Certificate = certificate;
        NodeName = node;
        Containers[TemplateVmid] = new FakeContainer(node, TemplateVmid, new()
        {
            ["arch"] = "amd64", ["ostype"] = "debian", ["hostname"] = "zlh-golden", ["cores"] = "1", ["memory"] = "512",
            ["swap"] = "512", ["rootfs"] = "local-lvm:base-9000-disk-0,size=4G", ["template"] = "1", ["unprivileged"] = "1",
            ["net0"] = "name=eth0,bridge=vmbr0,hwaddr=BC:24:11:00:00:01,ip=dhcp,type=veth", ["features"] = "nesting=1",
        });
    }

    public X509Certificate2 Certificate { get; }

    /// <summary>The node this server is (what <c>/nodes</c> lists and its UPIDs name).</summary>
    public string NodeName { get; }

    /// <summary>Memory in use on the node, as <c>/nodes</c> reports it (of 32 GiB): placement picks the node with the most free.</summary>
    public long UsedMemory { get; set; } = 3_221_225_472L;
    public Uri BaseAddress { get; private set; } = null!;
    /// <summary>SHA-256 of the certificate, colon-separated hex pairs, as Proxmox shows it.</summary>
    public string Fingerprint => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Certificate.RawData)).Chunk(2).Select(c => new string(c)).Aggregate((a, b) => a + ":" + b);

    public ConcurrentDictionary<int, FakeContainer> Containers { get; } = new();
    public ConcurrentDictionary<string, FakeTask> Tasks { get; } = new();
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>How many status polls every new task stays <c>running</c>.</summary>
    public int TaskPollsUntilDone { get; set; }

    /// <summary>Task type (e.g. <c>vzclone</c>) → the exit status its tasks fail with.</summary>
    public ConcurrentDictionary<string, string> FailingTasks { get; } = new();

    /// <summary>Request path prefix (after /api2/json) → (ACL path, privilege) the token lacks.</summary>
    public ConcurrentDictionary<string, (string AclPath, string Privilege)> Denied { get; } = new();

    /// <summary>The next N GET requests answer 500, as a restarting pveproxy does.</summary>
    public int FailingReads;

    /// <summary>The next N nextid answers are taken by "another client" before the clone arrives.</summary>
    public int VmidClashes;

    /// <summary>Like a misbehaving proxy, echo the Authorization header in a 401's reason (the client must redact it).</summary>
    public bool EchoCredentialsOnAuthFailure { get; set; }

    /// <summary>The address a running container reports for eth0: loopback, where the test's fake agent listens.</summary>
    public string ContainerAddress { get; set; } = "127.0.0.1";

    /// <summary>Called when a start task completes: what boots inside the container (see <see cref="FakeLxcRuntime"/>).</summary>
    public Action<FakeContainer>? Started { get; set; }

    /// <summary>Called when a stop or shutdown task completes.</summary>
    public Action<FakeContainer>? Stopped { get; set; }

    public static async Task<FakeProxmoxServer> StartAsync(X509Certificate2? certificate = null, string node = Node)
    {
        certificate ??= TestCertificates.Create();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, listen =>
        {
            listen.Protocols = HttpProtocols.Http1; // the reason phrase (where Proxmox puts errors) exists only in HTTP/1.1
            listen.UseHttps(certificate);
        }));
        var app = builder.Build();
        var server = new FakeProxmoxServer(app, certificate, node);
        server.Map(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseAddress = new Uri(address);
        return server;
    }

    /// <summary>The node goes down: its API stops listening, so calls to it are refused.</summary>
    public async Task GoDownAsync()
    {
        _down = true;
        await _app.StopAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_down) await _app.StopAsync();
        await _app.DisposeAsync();
    }

    public int TaskPolls(string upid) => Tasks.TryGetValue(upid, out var task) ? task.Polls : 0;

    private void Map(WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            var path = context.Request.Path.Value!["/api2/json".Length..];
            Requests.Enqueue($"{context.Request.Method} {path}");
            if (context.Request.Headers.Authorization != $"PVEAPIToken={TokenId}={TokenSecret}")
            {
                await Error(context, 401, EchoCredentialsOnAuthFailure ? $"authentication failure for '{context.Request.Headers.Authorization}'" : "authentication failure");
                return;
            }
            foreach (var (prefix, denial) in Denied)
                if (path.StartsWith(prefix, StringComparison.Ordinal))
                {
                    await Error(context, 403, $"Permission check failed ({denial.AclPath}, {denial.Privilege})");
                    return;
                }
            if (HttpMethods.IsGet(context.Request.Method) && Interlocked.Decrement(ref FailingReads) >= 0)
            {
                await Error(context, 500, "proxy loop detected");
                return;
            }
            await next();
        });

        var api = app.MapGroup("/api2/json");
        api.MapGet("/version", () => Data(new { version = "8.2.4", release = "8.2", repoid = "faa83925c9641325" }));
        api.MapGet("/nodes", () => Data(new[]
        {
            new { node = NodeName, status = "online", cpu = 0.0123, maxcpu = 8, mem = UsedMemory, maxmem = 34_359_738_368L, uptime = 86400, level = "", type = "node", id = $"node/{NodeName}" },
        }));
        api.MapGet("/nodes/{node}/status", (string node) => Data(new
        {
            cpu = 0.0421, wait = 0.001, uptime = 86400, pveversion = "pve-manager/8.2.4/faa83925c9641325", kversion = "Linux 6.8.8-2-pve",
            loadavg = new[] { "0.12", "0.08", "0.01" },
            memory = new { total = 34_359_738_368L, used = 3_221_225_472L, free = 31_138_512_896L },
            swap = new { total = 8_589_934_592L, used = 0L, free = 8_589_934_592L },
            rootfs = new { total = 100_000_000_000L, used = 10_000_000_000L, free = 90_000_000_000L, avail = 85_000_000_000L },
            cpuinfo = new { cpus = 8, sockets = 1, model = "Fake CPU" },
        }));
        api.MapGet("/nodes/{node}/lxc", (string node) => Data(Containers.Values.Where(c => c.Node == node).Select(c => new Dictionary<string, object?>
        {
            ["vmid"] = c.Vmid, ["name"] = c.Config.GetValueOrDefault("hostname"), ["status"] = c.Status, ["type"] = "lxc",
            ["tags"] = c.Config.GetValueOrDefault("tags"), ["lock"] = c.Lock, ["cpus"] = int.Parse(c.Config.GetValueOrDefault("cores", "1"), CultureInfo.InvariantCulture),
            ["maxmem"] = long.Parse(c.Config.GetValueOrDefault("memory", "512"), CultureInfo.InvariantCulture) * 1024 * 1024,
            ["maxdisk"] = 4L << 30, ["uptime"] = c.Status == "running" ? 42 : 0, ["cpu"] = 0, ["mem"] = 0,
        }).ToList()));
        api.MapGet("/nodes/{node}/lxc/{vmid:int}/status/current", (string node, int vmid) => WithContainer(vmid, c => Data(new Dictionary<string, object?>
        {
            ["status"] = c.Status, ["name"] = c.Config.GetValueOrDefault("hostname"), ["lock"] = c.Lock, ["cpu"] = 0.0, ["cpus"] = 1,
            ["mem"] = 0, ["maxmem"] = 536_870_912L, ["uptime"] = 0, ["type"] = "lxc", ["ha"] = new { managed = 0 },
        })));
        api.MapGet("/nodes/{node}/lxc/{vmid:int}/config", (string node, int vmid) => WithContainer(vmid, c =>
        {
            var config = c.Config.ToDictionary(p => p.Key, p => (object)(int.TryParse(p.Value, out var n) && p.Key is "cores" or "memory" or "swap" or "template" or "unprivileged" ? n : p.Value));
            config["digest"] = "3c1a3c4f0f8a";
            return Data(config);
        }));
        api.MapGet("/nodes/{node}/lxc/{vmid:int}/interfaces", (string node, int vmid) => WithContainer(vmid, c => c.Status != "running"
            ? Error(500, $"CT {vmid} not running")
            : Data(new[]
            {
                new { name = "lo", inet = "127.0.0.1/8", inet6 = "::1/128", hwaddr = "00:00:00:00:00:00" },
                new { name = "eth0", inet = $"{c.Address ?? ContainerAddress}/24", inet6 = "fe80::1/64", hwaddr = "BC:24:11:00:00:02" },
            })));
        api.MapGet("/storage", () => Data(new object[]
        {
            new { storage = "local", type = "dir", content = "iso,vztmpl,backup", path = "/var/lib/vz", digest = "ab" },
            new { storage = "local-lvm", type = "lvmthin", content = "rootdir,images", thinpool = "data", vgname = "pve", digest = "ab" },
        }));
        api.MapGet("/nodes/{node}/storage", (string node) => Data(new object[]
        {
            new { storage = "local", type = "dir", content = "iso,vztmpl,backup", active = 1, enabled = 1, shared = 0, total = 100_000_000_000L, used = 10_000_000_000L, avail = 90_000_000_000L, used_fraction = 0.1 },
            new { storage = "local-lvm", type = "lvmthin", content = "rootdir,images", active = 1, enabled = 1, shared = 0, total = 400_000_000_000L, used = 4_000_000_000L, avail = 396_000_000_000L, used_fraction = 0.01 },
        }));
        api.MapGet("/nodes/{node}/storage/{storage}/content", (string node, string storage) => Data(new object[]
        {
            new { volid = "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst", content = "vztmpl", format = "tzst", size = 126_000_000L, ctime = 1_700_000_000 },
            new { volid = "local:backup/vzdump-lxc-9000-2025_01_01-00_00_00.tar.zst", content = "backup", format = "tar.zst", size = 300_000_000L, ctime = 1_700_000_000, vmid = 9000 },
        }));
        api.MapGet("/cluster/nextid", () =>
        {
            var next = 100;
            while (Containers.ContainsKey(next)) next++;
            if (Interlocked.Decrement(ref VmidClashes) >= 0)
                Containers[next] = new FakeContainer(NodeName, next, new() { ["hostname"] = "someone-else" });
            return Data(next.ToString(CultureInfo.InvariantCulture)); // Proxmox sends it as a string
        });
        api.MapGet("/nodes/{node}/tasks/{upid}/status", (string node, string upid) =>
        {
            if (!Tasks.TryGetValue(upid, out var task) || task.Node != node) return Error(500, $"no such task '{upid}'");
            var stopped = task.Poll();
            var status = new Dictionary<string, object?> { ["upid"] = upid, ["node"] = task.Node, ["type"] = task.Type, ["status"] = stopped ? "stopped" : "running", ["pid"] = 4242, ["starttime"] = 1_700_000_000 };
            if (stopped) status["exitstatus"] = task.ExitStatus;
            return Data(status);
        });
        api.MapGet("/nodes/{node}/tasks/{upid}/log", (string node, string upid, int? start, int? limit) =>
            Tasks.TryGetValue(upid, out var task)
                ? Data(task.Log.Select((t, i) => new { n = i + 1, t }).Skip(start ?? 0).Take(limit ?? 50).ToList())
                : Error(500, $"no such task '{upid}'"));

        api.MapPost("/nodes/{node}/lxc", async (string node, HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            var vmid = int.Parse(form["vmid"]!, CultureInfo.InvariantCulture);
            if (Containers.ContainsKey(vmid)) return Error(500, $"CT {vmid} already exists on node '{node}'");
            var container = new FakeContainer(node, vmid, new() { ["hostname"] = form["hostname"]!, ["rootfs"] = $"local-lvm:vm-{vmid}-disk-0,size=4G", ["lock"] = "create" });
            Containers[vmid] = container;
            return Task(node, form["restore"] == "1" ? "vzrestore" : "vzcreate", vmid, ["extracting archive '" + form["ostemplate"] + "'"], () => container.Lock = null);
        });
        api.MapPost("/nodes/{node}/lxc/{vmid:int}/clone", async (string node, int vmid, HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            var newId = int.Parse(form["newid"]!, CultureInfo.InvariantCulture);
            if (!Containers.TryGetValue(vmid, out var source)) return Error(500, $"Configuration file 'nodes/{node}/lxc/{vmid}.conf' does not exist");
            if (Containers.ContainsKey(newId)) return Error(500, $"CT {newId} already exists on node '{node}'");
            var config = new Dictionary<string, string>(source.Config);
            config.Remove("template");
            config["hostname"] = form["hostname"]!;
            config["rootfs"] = $"local-lvm:vm-{newId}-disk-0,size=4G";
            if (form.ContainsKey("description")) config["description"] = form["description"]!;
            config["lock"] = "create"; // Proxmox locks the new config for the whole copy
            var clone = new FakeContainer(node, newId, config);
            Containers[newId] = clone;
            return Task(node, "vzclone", vmid, [$"create full clone of mountpoint rootfs (local-lvm:base-{vmid}-disk-0)", "  Logical volume \"vm-" + newId + "-disk-0\" created."],
                () => clone.Lock = null);
        });
        api.MapPost("/nodes/{node}/lxc/{vmid:int}/status/start", (string node, int vmid) => WithContainer(vmid, c =>
            c.Status == "running" ? Error(500, $"CT {vmid} already running") : Task(node, "vzstart", vmid, ["starting CT " + vmid], () =>
            {
                c.Status = "running";
                Started?.Invoke(c);
            })));
        api.MapPost("/nodes/{node}/lxc/{vmid:int}/status/stop", (string node, int vmid) => WithContainer(vmid, c =>
            Task(node, "vzstop", vmid, ["stopping CT " + vmid], () => Stop(c))));
        api.MapPost("/nodes/{node}/lxc/{vmid:int}/status/shutdown", (string node, int vmid) => WithContainer(vmid, c =>
            c.Status != "running" ? Error(500, $"CT {vmid} not running") : Task(node, "vzshutdown", vmid, ["shutting down CT " + vmid], () => Stop(c))));
        api.MapPost("/nodes/{node}/lxc/{vmid:int}/snapshot", async (string node, int vmid, HttpRequest request) =>
        {
            var name = (await request.ReadFormAsync())["snapname"].ToString();
            return WithContainer(vmid, c => Task(node, "vzsnapshot", vmid, ["snapshot " + name], () => c.Snapshots.Add(name)));
        });
        api.MapPost("/nodes/{node}/lxc/{vmid:int}/snapshot/{snap}/rollback", (string node, int vmid, string snap) => WithContainer(vmid, c =>
            c.Snapshots.Contains(snap) ? Task(node, "vzrollback", vmid, ["rollback " + snap], null) : Error(500, $"snapshot '{snap}' does not exist")));
        api.MapDelete("/nodes/{node}/lxc/{vmid:int}/snapshot/{snap}", (string node, int vmid, string snap) => WithContainer(vmid, c =>
            Task(node, "vzdelsnapshot", vmid, ["delete snapshot " + snap], () => c.Snapshots.Remove(snap))));
        api.MapPut("/nodes/{node}/lxc/{vmid:int}/config", async (string node, int vmid, HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            return WithContainer(vmid, c =>
            {
                if (c.Lock is not null) return Error(500, $"CT is locked ({c.Lock})");
                foreach (var (key, value) in form)
                    if (key == "delete") foreach (var gone in value.ToString().Split(',')) c.Config.Remove(gone);
                    else if (key != "digest") c.Config[key] = value.ToString();
                return Data(null); // LXC config changes are synchronous: no task
            });
        });
        api.MapPut("/nodes/{node}/lxc/{vmid:int}/resize", async (string node, int vmid, HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            return WithContainer(vmid, c => Task(node, "resize", vmid, ["resize " + form["disk"] + " to " + form["size"]],
                () => c.Config["rootfs"] = $"local-lvm:vm-{vmid}-disk-0,size={form["size"]}"));
        });
        api.MapDelete("/nodes/{node}/lxc/{vmid:int}", (string node, int vmid) => WithContainer(vmid, c =>
            c.Status == "running" ? Error(500, $"CT {vmid} is running - destroy failed") : Task(node, "vzdestroy", vmid, ["destroying CT " + vmid], () => Containers.TryRemove(vmid, out _))));
    }

    private void Stop(FakeContainer container)
    {
        container.Status = "stopped";
        Stopped?.Invoke(container);
    }

    private IResult WithContainer(int vmid, Func<FakeContainer, IResult> then) =>
        Containers.TryGetValue(vmid, out var container) ? then(container) : Error(500, $"Configuration file 'nodes/{NodeName}/lxc/{vmid}.conf' does not exist");

    private IResult Task(string node, string type, int vmid, string[] log, Action? onDone)
    {
        var pid = Interlocked.Increment(ref _pid);
        var start = Interlocked.Increment(ref _clock);
        var upid = $"UPID:{node}:{pid:X8}:{pid * 7:X8}:{start:X8}:{type}:{vmid}:{TokenId}:";
        var failure = FailingTasks.GetValueOrDefault(type);
        string[] lines = failure switch
        {
            null => [.. log, "TASK OK"],
            _ when failure.StartsWith("WARNINGS", StringComparison.Ordinal) => [.. log, "WARN: something odd", $"TASK {failure}"],
            _ => [.. log, $"{type} failed: {failure}", $"TASK ERROR: {failure}"],
        };
        Tasks[upid] = new FakeTask(upid, node, type, TaskPollsUntilDone, failure ?? "OK", lines, onDone);
        return Data(upid);
    }

    private static IResult Data(object? data) => Results.Json(new { data });

    private static IResult Error(int status, string reason) => new ReasonResult(status, reason);

    private static Task Error(HttpContext context, int status, string reason) => new ReasonResult(status, reason).ExecuteAsync(context);

    /// <summary>Proxmox's error: the reason in the HTTP status line, <c>{"data":null}</c> as body.</summary>
    private sealed class ReasonResult(int status, string reason) : IResult
    {
        public Task ExecuteAsync(HttpContext context)
        {
            context.Response.StatusCode = status;
            context.Features.Get<IHttpResponseFeature>()!.ReasonPhrase = reason;
            return context.Response.WriteAsJsonAsync(new { data = (object?)null });
        }
    }
}
