using Spectre.Console;
using ZeroLagHub.Cli.Api;

namespace ZeroLagHub.Cli.Containers;

/// <summary>One container as a name/value grid, leaving out what does not apply to it (zlh show, zlh audit state).</summary>
public static class ContainerGrid
{
    public static Grid Create(ContainerInfo c)
    {
        var grid = new Grid().AddColumn().AddColumn();
        void Row(string name, object? value) { if (value is not null and not "") grid.AddRow(name, Markup.Escape(value.ToString()!)); }
        Row("id", c.Id);
        Row("name", c.Name);
        Row("kind", c.Kind);
        Row("state", c.Lifecycle);
        Row("error", c.Error);
        Row("runtime", c.Runtime is null ? null : $"{c.Runtime} {c.RuntimeVersion}");
        Row("addons", c.Spec is { Addons.Count: > 0 } spec ? string.Join(", ", spec.Addons) : null);
        Row("code-server", c.Kind == "dev" ? (c.CodeServerRunning ? "running" : "stopped") : null);
        Row("server", c.Kind == "game" ? $"{c.Server} (crashes in a row {c.ConsecutiveCrashes}, restarts {c.RestartCount})" : null);
        Row("host", c.Host is null ? null : $"{c.Host}, vmid {c.Vmid}, address {c.Address}");
        // Published: "host port -> container port/protocol"; asked for but not (yet) published: the spec's.
        Row("ports", c.Ports is { Count: > 0 } ports ? string.Join(", ", ports)
            : c.Spec is { Ports.Count: > 0 } wanted ? $"{string.Join(", ", wanted.Ports)} (not published yet)" : null);
        Row("deployment", c.CurrentDeploymentId);
        Row("created", c.CreatedAt?.ToString("u"));
        return grid;
    }
}
