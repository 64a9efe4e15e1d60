using System.Text.Json;
using ZeroLagHub.Domain.Agent;
using ZeroLagHub.Domain.Servers;

namespace ZeroLagHub.Domain.Containers;

/// <summary>
/// Turns the agent's journal entries into container events: the runtime facts only the agent sees
/// (the server's runs, crashes and restarts, code-server's life). Pure, so the poller and its tests
/// agree on it.
/// </summary>
/// <remarks>
/// <para>Each fact has one source, and the journal is the only one of the events below: an agent command
/// (a user's server start, a deployment's code-server start) records at most its request, never the
/// agent's answer; the poller's ingestion records what the agent journalled, once per entry (fenced on
/// the journal cursor), in its cycle or right after the command.</para>
/// <para>Install and provisioning entries (<c>install.*</c>, <c>addon.installed</c>, <c>server.provisioned</c>,
/// <c>provision.note</c>) map to nothing: the deployment records those facts from the agent's own reply to
/// its provision call, and a second copy would show every install twice. <c>server.started</c> (process
/// spawned) and <c>server.reattached</c> have no event either: the server counts as started when it is
/// running (<c>server.running</c>). The poller still advances its cursor over them.</para>
/// </remarks>
public static class JournalFacts
{
    private static readonly JsonSerializerOptions Json = JsonSerializerOptions.Web;

    /// <summary>The event an entry records, or null for an entry the control plane has no event for.</summary>
    /// <exception cref="JsonException">The entry's data does not have the shape its kind promises.</exception>
    public static IContainerEvent? ToEvent(JournalEntry entry) => entry.Kind switch
    {
        "server.running" => new ServerStarted(entry.At),
        "server.stopped" => new ServerStopped(entry.At),
        "server.crashed" => Crashed(entry),
        "server.restart_scheduled" => new RestartScheduled(TimeSpan.FromSeconds(Read<RestartData>(entry).DelaySeconds), entry.At),
        "server.error" => Error(entry),
        "codeserver.started" => new CodeServerStarted(entry.At),
        "codeserver.stopped" => new CodeServerStopped(entry.At),
        "codeserver.died" => Died(entry),
        _ => null,
    };

    private static ServerCrashed Crashed(JournalEntry entry)
    {
        var data = Read<CrashData>(entry);
        // The crash's own time (the holder's exit record) is more exact than when it was journalled.
        return new ServerCrashed(data.At ?? entry.At, data.ExitCode, data.Signal, data.UptimeSeconds, data.LogTail ?? [],
            data.Classification ?? CrashClassification.UnexpectedExit);
    }

    private static EnteredError Error(JournalEntry entry)
    {
        var data = Read<ErrorData>(entry);
        var last = data.LastClassification is { } c ? $" (last: {c})" : "";
        return new EnteredError($"{data.ConsecutiveCrashes} crashes in a row{last}", entry.At);
    }

    private static CodeServerDied Died(JournalEntry entry)
    {
        var data = Read<DiedData>(entry);
        return new CodeServerDied(data.ExitCode, data.Output ?? [], entry.At);
    }

    private static T Read<T>(JournalEntry entry) =>
        entry.Data.Deserialize<T>(Json) ?? throw new JsonException($"journal entry {entry.Seq} ({entry.Kind}) has no data");

    // The agent's payloads (src/Agent/Server/ServerSupervisor.cs, CodeServer/CodeServerSupervisor.cs), camelCase.
    private sealed record CrashData(DateTimeOffset? At, int? ExitCode, int? Signal, double UptimeSeconds,
        CrashClassification? Classification, IReadOnlyList<string>? LogTail);

    private sealed record RestartData(double DelaySeconds);

    private sealed record ErrorData(int ConsecutiveCrashes, string? LastClassification);

    private sealed record DiedData(int? ExitCode, IReadOnlyList<string>? Output);
}
