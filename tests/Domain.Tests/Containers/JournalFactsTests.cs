using System.Text.Json;
using ZeroLagHub.Domain.Agent;
using ZeroLagHub.Domain.Containers;
using ZeroLagHub.Domain.Servers;
using static ZeroLagHub.Domain.Tests.Containers.Scenario;

namespace ZeroLagHub.Domain.Tests.Containers;

/// <summary>The agent's journal payloads (as its supervisors write them, camelCase) become container events.</summary>
public sealed class JournalFactsTests
{
    private static JournalEntry Entry(string kind, object data) =>
        new(1, T0, kind, JsonSerializer.SerializeToElement(data, JsonSerializerOptions.Web));

    [Fact]
    public void ACrashKeepsItsOwnTimeExitSignalUptimeTailAndClassification()
    {
        var crashedAt = T0.AddSeconds(-2);
        var entry = Entry("server.crashed", new
        {
            pid = 4242, at = crashedAt, exitCode = (int?)null, signal = 9, uptimeSeconds = 12.5, classification = "oom",
            consecutiveCrashes = 1, logTail = new[] { "Loading world", "Killed" },
        });

        var crash = Assert.IsType<ServerCrashed>(JournalFacts.ToEvent(entry));

        Assert.Equal(crashedAt, crash.At);
        Assert.Null(crash.ExitCode);
        Assert.Equal(9, crash.Signal);
        Assert.Equal(12.5, crash.UptimeSeconds);
        Assert.Equal(CrashClassification.Oom, crash.Classification);
        Assert.Equal(["Loading world", "Killed"], crash.LogTail);
    }

    [Fact]
    public void RestartsErrorsAndCodeServerDeathsMapToTheirEvents()
    {
        Assert.Equal(new RestartScheduled(TimeSpan.FromSeconds(60), T0),
            JournalFacts.ToEvent(Entry("server.restart_scheduled", new { delaySeconds = 60.0, at = T0.AddSeconds(60), attempt = 2 })));
        Assert.Equal(new EnteredError("4 crashes in a row (last: mod_or_plugin_error)", T0),
            JournalFacts.ToEvent(Entry("server.error", new { consecutiveCrashes = 4, lastClassification = "mod_or_plugin_error" })));
        var died = Assert.IsType<CodeServerDied>(JournalFacts.ToEvent(Entry("codeserver.died", new { pid = 7, exitCode = 1, output = new[] { "EADDRINUSE" } })));
        Assert.Equal((1, "EADDRINUSE"), (died.ExitCode, died.OutputTail.Single()));
        Assert.Equal(new ServerStarted(T0), JournalFacts.ToEvent(Entry("server.running", new { pid = 7 })));
        Assert.Equal(new ServerStopped(T0), JournalFacts.ToEvent(Entry("server.stopped", new { pid = 7, exitCode = 0 })));
        Assert.Equal(new CodeServerStarted(T0), JournalFacts.ToEvent(Entry("codeserver.started", new { pid = 7, port = 8080, user = "dev" })));
    }

    [Fact]
    public void InstallEntriesMapToNothingBecauseTheDeploymentRecordsThem()
    {
        Assert.Null(JournalFacts.ToEvent(Entry("install.succeeded", new { name = "node", version = "24" })));
        Assert.Null(JournalFacts.ToEvent(Entry("server.started", new { pid = 7, reason = "start" })));
        Assert.Null(JournalFacts.ToEvent(Entry("something.new", new { })));
    }

    [Fact]
    public void AMalformedPayloadIsAnErrorNotAnEmptyEvent()
    {
        Assert.Throws<JsonException>(() => JournalFacts.ToEvent(Entry("server.restart_scheduled", new { delaySeconds = "soon" })));
    }
}
