using System.Diagnostics;
using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace ZeroLagHub.Api.Artifacts.Building;

/// <summary>
/// Runs <c>scripts/artifacts.sh build &lt;name&gt; &lt;version&gt;</c> (copied beside the API) into the artifact
/// directory, one run per artifact at a time on this node: a second request while it runs gets the same build.
/// The script's own lock serialises builds across processes (another node, an operator running it by hand), and
/// it leaves a built artifact as it is, so a repeated build is cheap.
/// </summary>
/// <remarks>
/// A script rather than C#: the builders drive npm, apt-get, dpkg-deb and tar, which a shell does directly, and the
/// same file builds artifacts with no API running (scripts/e2e-ide.sh, an operator preparing a machine).
/// </remarks>
public sealed partial class ArtifactBuilder(IOptions<ArtifactOptions> options, TimeProvider clock, IHostApplicationLifetime lifetime,
    ILogger<ArtifactBuilder> logger)
{
    private readonly ConcurrentDictionary<(string, string), ArtifactBuild> _builds = new();
    private readonly Lock _lock = new();

    public string Script => options.Value.Builder.Length > 0 ? options.Value.Builder : Path.Combine(AppContext.BaseDirectory, "artifacts.sh");

    /// <summary>The running build of <paramref name="recipe"/>, or a new one.</summary>
    public ArtifactBuild Start(ArtifactRecipe recipe)
    {
        lock (_lock)
        {
            if (_builds.TryGetValue((recipe.Name, recipe.Version), out var running) && running.State == "building") return running;
            var build = new ArtifactBuild(recipe, clock.GetUtcNow());
            _builds[(recipe.Name, recipe.Version)] = build;
            _ = Task.Run(() => RunAsync(build, lifetime.ApplicationStopping));
            return build;
        }
    }

    /// <summary>The latest build of that artifact since this API started, or null.</summary>
    public ArtifactBuild? Latest(string name, string version) => _builds.GetValueOrDefault((name, version));

    private async Task RunAsync(ArtifactBuild build, CancellationToken ct)
    {
        var (name, version) = (build.Recipe.Name, build.Recipe.Version);
        LogStarted(logger, name, version);
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { Script, "build", name, version }) start.ArgumentList.Add(argument);
        // Not the API's environment: npm runs packages' install scripts, which must not see its database or Redis
        // passwords. What the package tools need (the path, home, locale, registry and proxy settings) is passed on.
        var inherited = start.Environment.Where(e => PassedOn(e.Key)).ToList();
        start.Environment.Clear();
        foreach (var (key, value) in inherited) start.Environment[key] = value;
        start.Environment["ZLH_ARTIFACTS_DIR"] = options.Value.Directory;
        string? error = null;
        try
        {
            using var process = Process.Start(start)!;
            string? lastError = null;
            process.OutputDataReceived += (_, e) => { if (e.Data is { } line) build.Add(line); };
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is not { } line) return;
                build.Add(line);
                lastError = line;
            };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            try
            {
                await process.WaitForExitAsync(ct);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None);
                error = "stopped: the API is shutting down";
            }
            process.WaitForExit(); // the last output lines are delivered before this returns
            if (error is null && process.ExitCode != 0) error = lastError ?? $"the builder exited with {process.ExitCode}";
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException)
        {
            error = $"could not run {Script}: {e.Message}";
            build.Add(error);
        }
        build.End(clock.GetUtcNow(), error);
        if (error is null) LogBuilt(logger, name, version);
        else LogFailed(logger, name, version, error);
    }

    private static bool PassedOn(string variable) =>
        variable is "PATH" or "HOME" or "LANG" or "LC_ALL" or "TMPDIR" or "DOTNET_ROOT"
        || variable.StartsWith("npm_config_", StringComparison.OrdinalIgnoreCase)
        || variable.EndsWith("_proxy", StringComparison.OrdinalIgnoreCase);

    [LoggerMessage(1, LogLevel.Information, "Building artifact {Name} {Version}")]
    private static partial void LogStarted(ILogger logger, string name, string version);

    [LoggerMessage(2, LogLevel.Information, "Artifact {Name} {Version} built")]
    private static partial void LogBuilt(ILogger logger, string name, string version);

    [LoggerMessage(3, LogLevel.Warning, "Artifact {Name} {Version} was not built: {Error}")]
    private static partial void LogFailed(ILogger logger, string name, string version, string error);
}
