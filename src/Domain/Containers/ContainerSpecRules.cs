using System.Text.RegularExpressions;
using ZeroLagHub.Domain.Agent;
using ZeroLagHub.Domain.Servers;

namespace ZeroLagHub.Domain.Containers;

/// <summary>
/// What a valid <see cref="ContainerSpec"/> is. Every message says what to send instead, keyed by the
/// request's JSON field path.
/// </summary>
public static partial class ContainerSpecRules
{
    public const int MinCores = 1, MaxCores = 16;
    public const int MinMemoryMb = 256, MaxMemoryMb = 65536;
    public const int MinDiskGb = 1, MaxDiskGb = 512;
    public const int MaxAddons = 16;
    public const int MaxPorts = 16;

    /// <summary>A runtime, version or addon name (and an addon's <c>name@version</c> in full), before the catalog is asked.</summary>
    public const int MaxCatalogNameLength = 64;

    /// <summary>Every dev container's browser IDE: added when a dev spec does not list it.</summary>
    public const string CodeServerAddon = "code-server";

    /// <summary>
    /// The field errors of <paramref name="spec"/> (empty when valid), and the spec as it should be
    /// recorded: addons pinned to a catalog version, so a reprovision installs what was first installed.
    /// </summary>
    public static (IReadOnlyDictionary<string, string[]> Errors, ContainerSpec Normalized) Check(ContainerSpec spec, RuntimeCatalog catalog)
    {
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Add(string field, string message)
        {
            if (!errors.TryGetValue(field, out var list)) errors[field] = list = [];
            list.Add(message);
        }

        if (!Enum.IsDefined(spec.Kind)) Add("kind", "kind must be \"Dev\" or \"Game\"");

        if (string.IsNullOrEmpty(spec.Name)) Add("name", "name is required");
        else if (!DnsLabel().IsMatch(spec.Name))
            Add("name", "name must be 1-63 lowercase letters, digits or hyphens, starting and ending with a letter or digit");

        CheckRuntime(spec, catalog, Add);
        var addons = CheckAddons(WithCodeServer(spec), catalog, Add);

        if (spec.Kind == ContainerKind.Game && spec.Server is null)
            Add("server", "a game server needs server settings (at least server.command)");
        else if (spec.Kind == ContainerKind.Game)
            foreach (var (field, message) in ServerSpecRules.Errors(spec.Server!)) Add(field, message);
        if (spec.Kind == ContainerKind.Dev && spec.Server is not null)
            Add("server", "a dev container has no game server; leave server out");

        CheckPorts(spec.Ports ?? [], Add);

        if (spec.Resources is null) Add("resources", "resources is required");
        else
        {
            if (spec.Resources.Cores is < MinCores or > MaxCores)
                Add("resources.cores", $"cores must be between {MinCores} and {MaxCores}");
            if (spec.Resources.MemoryMb is < MinMemoryMb or > MaxMemoryMb)
                Add("resources.memoryMb", $"memoryMb must be between {MinMemoryMb} and {MaxMemoryMb}");
            if (spec.Resources.DiskGb is < MinDiskGb or > MaxDiskGb)
                Add("resources.diskGb", $"diskGb must be between {MinDiskGb} and {MaxDiskGb}");
        }

        return (errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal), spec with { Addons = addons });
    }

    private static void CheckPorts(IReadOnlyList<PublishedPort> ports, Action<string, string> add)
    {
        if (ports.Count > MaxPorts) add("ports", $"at most {MaxPorts} ports");
        var seen = new HashSet<(int, string)>();
        for (var i = 0; i < ports.Count; i++)
        {
            var port = ports[i];
            if (port is null) { add($"ports[{i}]", "give a port, e.g. {\"port\": 25565, \"protocol\": \"tcp\"}"); continue; }
            if (port.Port is < 1 or > 65535) add($"ports[{i}].port", "port must be between 1 and 65535");
            if (port.Protocol is not (PublishedPort.Tcp or PublishedPort.Udp)) add($"ports[{i}].protocol", "protocol must be \"tcp\" or \"udp\"");
            else if (!seen.Add((port.Port, port.Protocol))) add($"ports[{i}]", $"{port} is listed twice");
        }
    }

    private static void CheckRuntime(ContainerSpec spec, RuntimeCatalog catalog, Action<string, string> add)
    {
        var hasRuntime = !string.IsNullOrEmpty(spec.Runtime);
        var hasVersion = !string.IsNullOrEmpty(spec.Version);
        if (hasRuntime != hasVersion)
        {
            add(hasRuntime ? "version" : "runtime", "give runtime and version together, or neither");
            return;
        }
        if (!hasRuntime) return;
        // Bounded before the catalog's answer quotes them back.
        var badRuntime = !CatalogName().IsMatch(spec.Runtime!);
        if (badRuntime) add("runtime", CatalogNameRule("runtime"));
        if (!CatalogName().IsMatch(spec.Version!)) add("version", CatalogNameRule("version"));
        if (badRuntime || !CatalogName().IsMatch(spec.Version!)) return;

        if (catalog.FindRuntime(spec.Runtime!, spec.Version!) is null && catalog.BuildCommand(spec.Runtime!, spec.Version!) is { } build)
            add("version", $"{spec.Runtime} {spec.Version} is not built yet; an admin builds it with `{build}` (a few minutes, once)");
        else if (catalog.Runtimes is null || !catalog.Runtimes.TryGetValue(spec.Runtime!, out var versions))
            add("runtime", $"runtime '{spec.Runtime}' is not in the catalog; available: {RuntimeCatalog.Describe(catalog.Runtimes)}");
        else if (catalog.FindRuntime(spec.Runtime!, spec.Version!) is null)
            add("version", $"{spec.Runtime} {spec.Version} is not in the catalog; available: {RuntimeCatalog.Describe(catalog.Runtimes)}");
    }

    // The IDE is what a dev container is for, and its deployment starts it: without the addon that stage
    // could only fail. Listing it pins a version; leaving it out gets the catalog's newest.
    private static IReadOnlyList<string>? WithCodeServer(ContainerSpec spec) =>
        spec.Kind != ContainerKind.Dev || spec.Addons?.Any(a => a == CodeServerAddon || a.StartsWith(CodeServerAddon + "@", StringComparison.Ordinal)) == true
            ? spec.Addons
            : [.. spec.Addons ?? [], CodeServerAddon];

    private static IReadOnlyList<string> CheckAddons(IReadOnlyList<string>? addons, RuntimeCatalog catalog, Action<string, string> add)
    {
        if (addons is null) return [];
        if (addons.Count > MaxAddons)
        {
            add("addons", $"{addons.Count} addons; at most {MaxAddons}");
            return [];
        }

        var pinned = new List<string>(addons.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < addons.Count; i++)
        {
            var field = $"addons[{i}]";
            var entry = addons[i];
            if (string.IsNullOrWhiteSpace(entry))
            {
                add(field, "an addon name is required, as name or name@version");
                continue;
            }
            var at = entry.IndexOf('@');
            var name = at < 0 ? entry : entry[..at];
            var version = at < 0 ? null : entry[(at + 1)..];
            if (entry.Length > MaxCatalogNameLength || !CatalogName().IsMatch(name) || (version is not null && !CatalogName().IsMatch(version)))
            {
                add(field, $"an addon is name or name@version (at most {MaxCatalogNameLength} characters: letters, digits, '.', '_', '+', '-')");
                continue;
            }
            if (!seen.Add(name))
            {
                add(field, $"addon '{name}' is listed twice");
                continue;
            }
            if (catalog.FindAddon(name, version) is { } found) pinned.Add($"{name}@{found.Version}");
            else if (catalog.BuildCommand(name, version) is { } build)
                add(field, $"addon '{entry}' is not built yet; an admin builds it with `{build}` (a few minutes, once)");
            else add(field, $"addon '{entry}' is not in the catalog; available: {RuntimeCatalog.Describe(catalog.Addons)}");
        }
        return pinned;
    }

    private static string CatalogNameRule(string field) =>
        $"{field} is a catalog name such as 'node' or '24': 1 to {MaxCatalogNameLength} letters, digits, '.', '_', '+' or '-'";

    [GeneratedRegex(@"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\z")]
    private static partial Regex DnsLabel();

    // The agent's own rule for these names (Provisioning/Provisioner.cs), bounded.
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}\z")]
    private static partial Regex CatalogName();
}
