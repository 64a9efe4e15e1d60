using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using ZeroLagHub.Agent.CodeServer;
using ZeroLagHub.Agent.Hosting;
using ZeroLagHub.Agent.Install;
using ZeroLagHub.Agent.Journal;
using ZeroLagHub.Domain.Agent;
using ZeroLagHub.Domain.Servers;

namespace ZeroLagHub.Agent.Provisioning;

/// <summary>
/// <c>POST /provision</c>: validates the request against the catalog before touching anything, then
/// creates the dev home and workspace, installs the runtime and the addons, writes the runtime's shell
/// environment and marks the container ready. Each step is idempotent, so a second identical provision
/// is a no-op reported as "already installed". One provision runs at a time.
/// </summary>
public sealed partial class Provisioner(
    IOptions<AgentOptions> options, ArtifactClient artifacts, ArtifactInstaller installer, ProvisionStateStore state,
    CodeServerLocator codeServer, AgentJournal journal, TimeProvider clock, ILogger<Provisioner> log)
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task<(ProvisionResult? Result, InstallFailure? Failure)> ProvisionAsync(ProvisionRequest request, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            var output = new InstallOutput();
            if (Validate(request, output) is { } invalid) return (null, invalid);

            var plan = await PlanAsync(request, output, ct);
            if (plan.Failure is not null) return (null, Journalled(plan.Failure, request.Runtime, request.Version));

            var notes = new List<string>();
            var installs = new List<InstallResult>();
            if (CreateDirectories(notes) is { } dirFailure) return (null, dirFailure);

            foreach (var step in plan.Steps)
            {
                var (result, failure) = await InstallAsync(step, ct);
                if (failure is not null) return (null, failure);
                installs.Add(result!);
                // The stage log is where a user sees what was installed: a stand-in must not pass for the real thing.
                if (step.Artifact.StandIn) notes.Add($"{step.Name} {step.Version} is a stand-in (Artifacts:StandIns), not the real {step.Name}");
                if (step.IsRuntime)
                {
                    RuntimeEnvFile.Write(options.Value.RuntimeEnvPath, step.Name, step.Version, step.Artifact.ArchivePrefix, result!.Path);
                    state.Update(s => s with { Runtime = step.Name, RuntimeVersion = step.Version, RuntimeInstallPath = result.Path });
                }
                else
                {
                    state.Update(s => s with { Addons = [.. (s.Addons ?? []).Union([step.Name]).Order(StringComparer.Ordinal)] });
                }
            }

            var changed = installs.Any(i => i.Outcome == InstallResult.Installed);
            if (request.Server is { } server && server != state.Current.Server)
            {
                state.Update(s => s with { Server = server });
                journal.Append("server.provisioned", new { server.Command, server.Args, server.WorkingDirectory });
                changed = true;
            }
            if (options.Value.Kind == ContainerKind.Dev && state.Current.DevReadyAt is null)
            {
                var now = clock.GetUtcNow();
                state.Update(s => s with { DevReadyAt = now });
                changed = true;
            }
            var outcome = changed ? InstallResult.Installed : InstallResult.AlreadyInstalled;
            log.Provisioned(outcome, state.Current.DevReadyAt);
            return (new ProvisionResult(outcome, installs, state.Current.DevReadyAt, notes), null);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>One artifact to put in place: the runtime into runtimes/&lt;name&gt;/&lt;version&gt;, an addon into services/&lt;name&gt;.</summary>
    private sealed record InstallStep(string Name, string Version, CatalogArtifact Artifact, string Target, bool IsRuntime);

    private sealed record InstallPlan(IReadOnlyList<InstallStep> Steps, InstallFailure? Failure);

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}\z")]
    private static partial Regex SafeName();

    private InstallFailure? Validate(ProvisionRequest request, InstallOutput output)
    {
        string? problem = null;
        if (request.Kind is { } kind && kind != options.Value.Kind)
            problem = $"this is a {options.Value.Kind} container, the request is for {kind}";
        else if ((request.Runtime is null) != (request.Version is null))
            problem = "give both runtime and version, or neither";
        else if (request.Runtime is not null && (!SafeName().IsMatch(request.Runtime) || !SafeName().IsMatch(request.Version!)))
            problem = "runtime and version are names such as 'node' and '24' (letters, digits, '.', '_', '+', '-')";
        else if (request.Addons?.FirstOrDefault(a => !a.Split('@', 2).All(SafeName().IsMatch)) is { } badAddon)
            problem = $"addon '{badAddon}' is not a name such as 'code-server' or 'code-server@4.96.4'";
        else if (request.Server is not null && options.Value.Kind != ContainerKind.Game)
            problem = "server settings are for game containers; this is a dev container";
        else if (request.Server is { } server)
            problem = ServerSpecRules.Problem(server, options.Value.ServerRoot);
        if (problem is null) return null;
        output.Add(problem);
        return new InstallFailure(InstallError.BadRequest, problem, output.Tail());
    }

    /// <summary>Resolves everything against the catalog first, so a bad runtime or addon changes nothing.</summary>
    private async Task<InstallPlan> PlanAsync(ProvisionRequest request, InstallOutput output, CancellationToken ct)
    {
        var addons = request.Addons ?? [];
        if (request.Runtime is null && addons.Count == 0) return new InstallPlan([], null);

        var (catalog, failure) = await artifacts.GetCatalogAsync(output, ct);
        if (failure is not null) return new InstallPlan([], failure);

        var steps = new List<InstallStep>();
        var root = options.Value.ZlhRoot;
        if (request.Runtime is { } runtime)
        {
            if (catalog!.FindRuntime(runtime, request.Version!) is not { } artifact)
                return Missing(output, $"runtime {runtime} {request.Version} is not in the artifact catalog; it has: {RuntimeCatalog.Describe(catalog.Runtimes)}");
            steps.Add(new InstallStep(runtime, request.Version!, artifact, Path.Combine(root, "runtimes", runtime, request.Version!), IsRuntime: true));
        }
        foreach (var addon in addons.Distinct())
        {
            var parts = addon.Split('@', 2);
            if (catalog!.FindAddon(parts[0], parts.ElementAtOrDefault(1)) is not { } found)
                return Missing(output, $"addon {addon} is not in the artifact catalog; it has: {RuntimeCatalog.Describe(catalog.Addons)}");
            var target = parts[0] == "code-server" ? codeServer.InstallDir : Path.Combine(root, "services", parts[0]);
            steps.Add(new InstallStep(parts[0], found.Version, found.Artifact, target, IsRuntime: false));
        }
        return new InstallPlan(steps, null);
    }

    private static InstallPlan Missing(InstallOutput output, string message)
    {
        output.Add(message);
        return new InstallPlan([], new InstallFailure(InstallError.CatalogMissing, message, output.Tail()));
    }

    private async Task<(InstallResult? Result, InstallFailure? Failure)> InstallAsync(InstallStep step, CancellationToken ct)
    {
        if (ArtifactInstaller.IsInstalled(step.Target, step.Artifact))
            return await installer.InstallAsync(step.Name, step.Version, step.Artifact, step.Target, new InstallOutput(), ct);

        log.Installing(step.Name, step.Version, step.Artifact.File);
        journal.Append("install.started", new { name = step.Name, step.Version, step.Artifact.File, kind = step.IsRuntime ? "runtime" : "addon" });
        var output = new InstallOutput();
        var (result, failure) = await installer.InstallAsync(step.Name, step.Version, step.Artifact, step.Target, output, ct);
        foreach (var line in output.Tail()) log.InstallOutput(line);
        if (failure is not null) return (null, Journalled(failure, step.Name, step.Version));

        log.Installed(step.Name, step.Version, result!.Outcome, result.Path);
        journal.Append("install.succeeded", new { name = step.Name, step.Version, result.Path, result.Sha256 });
        if (!step.IsRuntime) journal.Append("addon.installed", new { addon = step.Name, step.Version, result.Path });
        return (result, null);
    }

    private InstallFailure Journalled(InstallFailure failure, string? name, string? version)
    {
        log.InstallFailed(failure.Error.ToString(), failure.Message);
        journal.Append("install.failed", new { name, version, error = failure.Error.ToString(), failure.Message, failure.Output });
        return failure;
    }

    /// <summary>The dev home and workspace (dev) or the server root (game). Given to the dev user only when
    /// the agent is root and that user exists; otherwise skipped with a note, which is the normal case in tests.</summary>
    private InstallFailure? CreateDirectories(List<string> notes)
    {
        var o = options.Value;
        try
        {
            if (o.Kind == ContainerKind.Game)
            {
                Directory.CreateDirectory(o.ServerRoot);
                return null;
            }
            var created = !Directory.Exists(o.WorkspaceRoot);
            Directory.CreateDirectory(o.WorkspaceRoot);
            var reason = !UnixAccount.AgentIsRoot ? "the agent is not root"
                : UnixAccount.Find(o.DevUser) is null ? $"user {o.DevUser} does not exist" : null;
            if (reason is null)
            {
                var dev = UnixAccount.Find(o.DevUser)!;
                dev.Own(o.DevHome);
                dev.Own(o.WorkspaceRoot);
                return null;
            }
            var note = $"dev home left owned by the agent: {reason}";
            notes.Add(note);
            if (created)   // journal it once, not on every (no-op) repeat
            {
                log.OwnershipSkipped(o.DevUser, reason);
                journal.Append("provision.note", new { note });
            }
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var output = new InstallOutput();
            output.Add(e.Message);
            return new InstallFailure(InstallError.Filesystem, $"creating the dev home failed: {e.Message}", output.Tail());
        }
    }
}
