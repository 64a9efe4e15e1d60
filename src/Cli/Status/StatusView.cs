using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Rendering;
using ZeroLagHub.Cli.Api;
using ZeroLagHub.Cli.Containers;
using ZeroLagHub.Cli.Shell;

namespace ZeroLagHub.Cli.Status;

/// <summary>
/// How statuses read for people: a table of containers, one container in detail, a line per change. Containers
/// go by name (<see cref="ContainerNames"/>); <c>wide</c> adds their ids.
/// </summary>
public static class StatusView
{
    public static ContainerStatusInfo Parse(JsonElement document) => document.Deserialize<ContainerStatusInfo>(JsonSerializerOptions.Web)!;

    public static IRenderable Table(IEnumerable<ContainerStatusInfo> statuses, ContainerNames names, bool wide)
    {
        var table = new Table().Border(TableBorder.Simple).AddColumns("NAME");
        if (wide) table.AddColumns("ID");
        table.AddColumns("KIND", "STATE", "RUNTIME", "AGENT", "IDE / SERVER", "RESTARTS", "LAST CRASH", "CHANGED");
        foreach (var s in statuses.OrderBy(s => names.Of(s.ContainerId), StringComparer.Ordinal).ThenBy(s => s.ContainerId))
        {
            List<string> row = [Markup.Escape(names.Of(s.ContainerId))];
            if (wide) row.Add(s.ContainerId.ToString());
            row.AddRange([Kind(s), Markup.Escape(State(s)), Markup.Escape(Runtime(s)), s.AgentOnline ? "online" : "offline",
                Process(s), s.RestartCount.ToString(CultureInfo.InvariantCulture), Markup.Escape(Crash(s)), TimeDisplay.Utc(s.ChangedAt)]);
            table.AddRow([.. row]);
        }
        return table;
    }

    public static IRenderable Detail(ContainerStatusInfo s, ContainerNames names)
    {
        var grid = new Grid().AddColumn().AddColumn();
        void Row(string name, string? value) { if (!string.IsNullOrEmpty(value)) grid.AddRow(name, Markup.Escape(value)); }
        Row("container", names.Of(s.ContainerId));
        Row("id", s.ContainerId.ToString());
        Row("kind", Kind(s));
        Row("state", s.Stale == true ? $"{State(s)} (stale: Redis unavailable, read from PostgreSQL)" : State(s));
        Row("lifecycle", s.Lifecycle);
        Row("runtime", Runtime(s));
        Row("agent", s.AgentOnline ? "online" : "offline");
        Row(Kind(s) == "game" ? "server" : "code-server", Process(s));
        Row("restarts", s.RestartCount.ToString(CultureInfo.InvariantCulture));
        Row("last crash", Crash(s));
        Row("deployment", s.CurrentDeploymentId?.ToString());
        Row("error", s.Error ?? s.ServerError);
        Row("changed", TimeDisplay.Utc(s.ChangedAt));
        return grid;
    }

    /// <summary>Plain output of a watch: one line per status, so a log shows every change in order.</summary>
    public static string Line(ContainerStatusInfo s, ContainerNames names, bool wide) =>
        $"{TimeDisplay.Utc(s.ChangedAt)} {names.Of(s.ContainerId)}{(wide ? $" {s.ContainerId}" : "")} {State(s)} agent={(s.AgentOnline ? "online" : "offline")} {Process(s)}"
        + (s.LastCrash is { } crash ? $" last-crash={crash.Classification}" : "");

    /// <summary>
    /// The state, with what a crash means for it: <c>crashed (nonzero_exit)</c>, and once the supervisor has
    /// scheduled the restart, <c>crashed (nonzero_exit), restart in 30 s</c> (the delay counted from the change).
    /// </summary>
    public static string State(ContainerStatusInfo s) => s.State switch
    {
        "crashed" => $"crashed ({CrashClass(s)})",
        "restarting" when s.RestartAt is { } at =>
            $"crashed ({CrashClass(s)}), restart in {Math.Max(0, Math.Round((at - s.ChangedAt).TotalSeconds)).ToString(CultureInfo.InvariantCulture)} s",
        "restarting" => $"crashed ({CrashClass(s)}), restarting",
        var state => state,
    };

    private static string CrashClass(ContainerStatusInfo s) => s.LastCrash?.Classification ?? "unknown";

    private static string Runtime(ContainerStatusInfo s) => s.Runtime is null ? "" : $"{s.Runtime} {s.RuntimeVersion}";

    // The status document spells kinds as the enum does (Dev, Game); everything else zlh prints says dev, game.
    private static string Kind(ContainerStatusInfo s) => s.Kind.ToLowerInvariant();

    private static string Process(ContainerStatusInfo s) =>
        Kind(s) == "game" ? s.Server : s.CodeServerRunning ? "ide running" : "ide stopped";

    private static string Crash(ContainerStatusInfo s) =>
        s.LastCrash is { } c ? $"{c.Classification} at {TimeDisplay.Utc(c.At)}" : "";
}
