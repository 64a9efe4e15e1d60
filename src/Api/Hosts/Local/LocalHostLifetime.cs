using Microsoft.Extensions.Options;
using ZeroLagHub.Api.Artifacts;
using ZeroLagHub.Api.Artifacts.StandIns;

namespace ZeroLagHub.Api.Hosts.Local;

/// <summary>
/// Start-up: the stand-in artifacts in the quick mode (Artifacts:StandIns), a warning when containers are not isolated (an error when they are
/// therefore not started), the artifact relay for containers in their own network namespaces, containers of
/// the previous layout upgraded, and those that should run brought back once the server listens (agents
/// fetch artifacts from it). Clean shutdown pauses the agents (game servers keep running); a crash leaves
/// them running; either way the next start finds the containers again.
/// </summary>
public sealed partial class LocalHostLifetime(
    LocalContainerHost containers,
    LocalSandbox sandbox,
    ArtifactRelay relay,
    IOptions<LocalHostOptions> host,
    IOptions<ArtifactOptions> artifacts,
    IHostApplicationLifetime lifetime,
    ILogger<LocalHostLifetime> logger) : IHostedService
{
    public Task StartAsync(CancellationToken ct)
    {
        var options = artifacts.Value;
        if (options.StandIns)
        {
            StandInArtifacts.AddTo(options.Directory);
            LogStandIns(logger, options.Directory);
        }
        if (sandbox.Refusal is { } refusal) LogRefused(logger, refusal);
        else if (sandbox.Weakness is { } weakness) LogWeakSandbox(logger, weakness);
        if (sandbox.Slirp4netns is not null) relay.Start(host.Value.Root);
        lifetime.ApplicationStarted.Register(() => _ = Task.Run(() => containers.ReconcileAsync(lifetime.ApplicationStopping)));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken ct) => containers.PauseAllAgentsAsync(ct);

    [LoggerMessage(1, LogLevel.Information, "Artifacts:StandIns: stand-ins for the runtimes, code-server and the game server are offered from {Directory} (not the real runtimes)")]
    private static partial void LogStandIns(ILogger logger, string directory);

    [LoggerMessage(2, LogLevel.Warning, "Local host: {Weakness}")]
    private static partial void LogWeakSandbox(ILogger logger, string weakness);

    [LoggerMessage(3, LogLevel.Error, "Local host: {Refusal}")]
    private static partial void LogRefused(ILogger logger, string refusal);
}
