using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Rendering;
using ZeroLagHub.Cli.Api;
using ZeroLagHub.Cli.Shell;

namespace ZeroLagHub.Cli.Status;

/// <summary>How statuses read for people: a table of containers, one container in detail, a line per change.</summary>
public static class StatusView
{
    public static ContainerStatusInfo Parse(JsonElement document) => document.Deserialize<ContainerStatusInfo>(JsonSerializerOptions.Web)!;

    public static IRenderable Table(IEnumerable<ContainerStatusInfo> statuses)
    {
        var table = new Table().Border(TableBorder.Simple).AddColumns("ID", "KIND", "STATE", "RUNTIME", "AGENT", "IDE / SERVER", "RESTARTS", "LAST CRASH", "CHANGED");
        foreach (var s in statuses.OrderBy(s => s.ContainerId))
            table.AddRow(s.ContainerId.ToString(), Kind(s), Markup.Escape(s.State), Markup.Escape(Runtime(s)), s.AgentOnline ? "online" : "offline",
                Process(s), s.RestartCount.ToString(System.Globalization.CultureInfo.InvariantCulture), Markup.Escape(Crash(s)), TimeDisplay.Utc(s.ChangedAt));
        return table;
    }

    public static IRenderable Detail(ContainerStatusInfo s)
    {
        var grid = new Grid().AddColumn().AddColumn();
        void Row(string name, string? value) { if (!string.IsNullOrEmpty(value)) grid.AddRow(name, Markup.Escape(value)); }
        Row("container", s.ContainerId.ToString());
        Row("kind", Kind(s));
        Row("state", s.Stale == true ? $"{s.State} (stale: Redis unavailable, read from PostgreSQL)" : s.State);
        Row("lifecycle", s.Lifecycle);
        Row("runtime", Runtime(s));
        Row("agent", s.AgentOnline ? "online" : "offline");
        Row(Kind(s) == "game" ? "server" : "code-server", Process(s));
        Row("restarts", s.RestartCount.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Row("last crash", Crash(s));
        Row("deployment", s.CurrentDeploymentId?.ToString());
        Row("error", s.Error ?? s.ServerError);
        Row("changed", TimeDisplay.Utc(s.ChangedAt));
        return grid;
    }

    /// <summary>Plain output of a watch: one line per status, so a log shows every change in order.</summary>
    public static string Line(ContainerStatusInfo s) =>
        $"{TimeDisplay.Utc(s.ChangedAt)} {s.ContainerId} {s.State} agent={(s.AgentOnline ? "online" : "offline")} {Process(s)}"
        + (s.LastCrash is { } crash ? $" last-crash={crash.Classification}" : "");

    private static string Runtime(ContainerStatusInfo s) => s.Runtime is null ? "" : $"{s.Runtime} {s.RuntimeVersion}";

    // The status document spells kinds as the enum does (Dev, Game); everything else zlh prints says dev, game.
    private static string Kind(ContainerStatusInfo s) => s.Kind.ToLowerInvariant();

    private static string Process(ContainerStatusInfo s) =>
        Kind(s) == "game" ? s.Server : s.CodeServerRunning ? "ide running" : "ide stopped";

    private static string Crash(ContainerStatusInfo s) =>
        s.LastCrash is { } c ? $"{c.Classification} at {TimeDisplay.Utc(c.At)}" : "";
}
