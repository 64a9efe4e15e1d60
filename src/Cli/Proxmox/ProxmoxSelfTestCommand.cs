using System.CommandLine;
using Spectre.Console;
using ZeroLagHub.Api.Hosts.Proxmox.Client;

namespace ZeroLagHub.Cli.Proxmox;

/// <summary>
/// <c>zlh admin proxmox selftest</c>: runs every read-only call the control plane makes against a
/// Proxmox host and prints <c>[ ok ]</c> / <c>[fail]</c> per call, so an operator can check a new node's
/// token, privileges and pinned fingerprint before configuring it. It changes nothing.
/// </summary>
public static class ProxmoxSelfTestCommand
{
    public const string SecretVariable = "ZLH_PROXMOX_TOKEN_SECRET";

    public static Command Create()
    {
        var url = new Option<string>("--url") { Description = "Proxmox API address, e.g. https://pve1.example:8006", Required = true };
        var tokenId = new Option<string>("--token-id") { Description = "API token id, USER@REALM!TOKENID", Required = true };
        var fingerprints = new Option<string[]>("--fingerprint")
        {
            Description = "SHA-256 fingerprint of the API certificate (repeat to pin several)",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var node = new Option<string?>("--node") { Description = "Node to check (default: every node the token can see)" };
        var secretVariable = new Option<string>("--token-secret-env")
        {
            Description = "Environment variable holding the token secret (never pass it on the command line)",
            DefaultValueFactory = _ => SecretVariable,
        };

        var selftest = new Command("selftest", "Run the read-only API calls and print [ ok ] / [fail] per call") { url, tokenId, fingerprints, node, secretVariable };
        selftest.SetAction((parse, ct) => RunAsync(
            parse.GetRequiredValue(url), parse.GetRequiredValue(tokenId), parse.GetRequiredValue(fingerprints),
            parse.GetValue(node), parse.GetRequiredValue(secretVariable), ct));
        return new Command("proxmox", "Proxmox VE hosts") { selftest };
    }

    private static async Task<int> RunAsync(string address, string tokenId, string[] fingerprints, string? onlyNode, string secretVariable, CancellationToken ct)
    {
        if (!Uri.TryCreate(address, UriKind.Absolute, out var url) || url.Scheme != Uri.UriSchemeHttps)
        {
            await Console.Error.WriteLineAsync($"--url must be the https:// address of the Proxmox API, e.g. https://pve1.example:8006 (got '{address}').");
            return 2;
        }
        var secret = Environment.GetEnvironmentVariable(secretVariable);
        if (string.IsNullOrWhiteSpace(secret))
        {
            await Console.Error.WriteLineAsync($"Set {secretVariable} to the API token's secret (it is never taken from the command line, where ps shows it).");
            return 2;
        }
        ProxmoxConnection connection;
        try
        {
            connection = new ProxmoxConnection(url, new ProxmoxApiToken(tokenId, secret), new CertificatePins(fingerprints));
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 2;
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(Console.Out),
            // Piped into a log or grep, the lines must stay plain text.
            Ansi = Console.IsOutputRedirected ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = Console.IsOutputRedirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
        });
        console.Profile.Width = 1000; // one line per call, also when piped
        using var client = new ProxmoxClient(connection);
        var report = new SelfTestReport(console, connection.Token);

        await report.CheckAsync("GET /version", async () => (await client.GetVersionAsync(ct)).Version);
        var nodes = await report.CheckAsync("GET /nodes", async () => await client.GetNodesAsync(ct), list => $"{list.Count} node(s): {string.Join(", ", list.Select(n => $"{n.Node} ({n.Status})"))}");
        await report.CheckAsync("GET /storage", async () => await client.GetStoragesAsync(ct), list => $"{list.Count} storage(s)");
        await report.CheckAsync("GET /cluster/nextid", async () => (await client.GetNextVmidAsync(ct)).ToString(System.Globalization.CultureInfo.InvariantCulture));

        var names = onlyNode is not null ? [onlyNode] : nodes?.Select(n => n.Node).ToArray() ?? [];
        foreach (var name in names)
        {
            await report.CheckAsync($"GET /nodes/{name}/status", async () => await client.GetNodeStatusAsync(name, ct),
                s => $"cpu {s.Cpu:P0}, load {string.Join(' ', s.LoadAvg ?? [])}, memory {Gb(s.Memory?.Used)}/{Gb(s.Memory?.Total)} GB");
            var storages = await report.CheckAsync($"GET /nodes/{name}/storage", async () => await client.GetNodeStoragesAsync(name, ct),
                list => string.Join(", ", list.Select(s => $"{s.Storage} {Gb(s.Avail)} GB free")));
            foreach (var storage in storages?.Where(s => s.Active == 1 && (s.Content ?? "").Split(',').Intersect(["vztmpl", "backup"]).Any()) ?? [])
                await report.CheckAsync($"GET /nodes/{name}/storage/{storage.Storage}/content", async () => await client.GetStorageContentAsync(name, storage.Storage, ct: ct),
                    list => $"{list.Count} item(s)");
            var containers = await report.CheckAsync($"GET /nodes/{name}/lxc", async () => await client.GetContainersAsync(name, ct), list => $"{list.Count} container(s)");
            if (containers is { Count: > 0 })
            {
                var vmid = containers.Min(c => c.Vmid);
                await report.CheckAsync($"GET /nodes/{name}/lxc/{vmid}/status/current", async () => (await client.GetContainerStatusAsync(name, vmid, ct)).Status);
                await report.CheckAsync($"GET /nodes/{name}/lxc/{vmid}/config", async () => await client.GetContainerConfigAsync(name, vmid, ct),
                    c => $"{c.Hostname}, {c.Cores} cores, {c.Memory} MB, {c.Networks.Count} network device(s), {c.MountPoints.Count} mount point(s)");
            }
        }

        console.WriteLine();
        console.MarkupLine(report.Failures == 0
            ? $"[green]{report.Passed} passed[/]: this token and fingerprint are ready for the control plane."
            : $"[red]{report.Failures} failed[/], {report.Passed} passed.");
        return report.Failures == 0 ? 0 : 1;
    }

    private static string Gb(long? bytes) => bytes is null ? "?" : (bytes.Value / 1024d / 1024 / 1024).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture);
}
