using System.Diagnostics;
using ZeroLagHub.Testing;

namespace ZeroLagHub.Cli.Tests.Launcher;

/// <summary>
/// <c>./zlh.sh up</c>, run by bash as a user would, from a copy of the checkout's script beside a stand-in
/// <c>scripts/services.sh</c>, with stand-ins for <c>dotnet</c>, <c>curl</c> and the servers' binaries first on PATH:
/// each stand-in writes what it was asked to a log, so the test sees which steps ran. The stand-in API writes a
/// generated admin password to the file it is given, as the real one does on its first start, and exits at once.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ZlhUpTests : IDisposable
{
    private const string GoodStart = """
        echo "ZLH_POSTGRES='Host=127.0.0.1;Port=1'"
        echo "ZLH_REDIS='127.0.0.1:2'"
        """;

    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("zlh-up-test-");
    private string Log => Path.Combine(_root.FullName, "calls.log");
    private string Home => Path.Combine(_root.FullName, "home");

    [Fact]
    public async Task AFailedServicesStartStopsUpWithItsCauseAndStartsNoApi()
    {
        var run = await UpAsync(servicesStart: """
            echo "services.sh: redis did not start, see /var/tmp/zlh/redis.log" >&2
            exit 1
            """);

        Assert.NotEqual(0, run.Exit);
        Assert.Contains("redis did not start", run.Error);
        Assert.Contains("starting PostgreSQL and Redis failed", run.Error);
        Assert.DoesNotContain("No PostgreSQL configured", run.Error);
        var calls = await File.ReadAllLinesAsync(Log);
        Assert.DoesNotContain(calls, c => c.StartsWith("dotnet ZeroLagHub.Api.dll", StringComparison.Ordinal));
        // What the half-done start left running is stopped.
        Assert.Contains("services.sh stop", calls);
    }

    [Fact]
    public async Task AStartThatPrintsNoConnectionStringsStopsUpToo()
    {
        var run = await UpAsync(servicesStart: "exit 0");

        Assert.NotEqual(0, run.Exit);
        Assert.Contains("printed no connection strings", run.Error);
        Assert.DoesNotContain(await File.ReadAllLinesAsync(Log), c => c.StartsWith("dotnet ZeroLagHub.Api.dll", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AFailedBuildStopsUpBeforeAnyServerStarts()
    {
        var run = await UpAsync(GoodStart, failBuild: true);

        Assert.NotEqual(0, run.Exit);
        Assert.Contains("src/Api does not build", run.Error);
        Assert.DoesNotContain("services.sh start", await File.ReadAllLinesAsync(Log));
    }

    [Fact]
    public async Task AGoodStartBuildsTheCliRunsTheApiWithTheConnectionStringsAndEndsWithTheBanner()
    {
        var run = await UpAsync(GoodStart);

        Assert.True(run.Exit == 0, run.Error);
        var calls = await File.ReadAllLinesAsync(Log);
        Assert.Contains(calls, c => c.StartsWith("dotnet build", StringComparison.Ordinal) && c.Contains("/src/Cli", StringComparison.Ordinal));
        Assert.Contains("dotnet ZeroLagHub.Api.dll  postgres=Host=127.0.0.1;Port=1 redis=127.0.0.1:2", calls);
        // Every step says what it does, in order.
        var steps = new[] { "[1/5] building", "[2/5] starting PostgreSQL and Redis", "[3/5]", "[4/5] starting the API", "[5/5] ready" }
            .Select(s => run.Output.IndexOf(s, StringComparison.Ordinal)).ToList();
        Assert.True(steps.All(i => i >= 0) && steps.SequenceEqual(steps.Order()), run.Output);

        // The banner: the URL, the password this run created (shown this once) and where it is kept, what to run next.
        var file = Path.Combine(Home, "admin.password");
        Assert.Contains("ZeroLagHub is running on http://127.0.0.1:5080", run.Output);
        Assert.Contains($"admin password: generated-secret  (shown this once; kept in {file}, mode 0600)", run.Output);
        Assert.Contains($"./zlh login --user admin --password-file {file}", run.Output);
        Assert.DoesNotContain("export ZLH_API", run.Output);
        // The API's output went to the log under the home as well.
        Assert.Contains("stand-in API started", await File.ReadAllTextAsync(Path.Combine(Home, "logs", "api.log")));
    }

    [Fact]
    public async Task ALaterStartSaysWhereThePasswordIsWithoutShowingIt()
    {
        Assert.Equal(0, (await UpAsync(GoodStart)).Exit);

        var second = await UpAsync(GoodStart);

        Assert.Equal(0, second.Exit);
        Assert.DoesNotContain("generated-secret", second.Output);
        Assert.Contains($"admin password: in {Path.Combine(Home, "admin.password")} (mode 0600)", second.Output);
    }

    [Fact]
    public async Task AnotherPortMovesTheApiAndTheBannerTellsTheCliWhere()
    {
        var run = await UpAsync(GoodStart, ("ZLH_PORT", "5999"));

        Assert.True(run.Exit == 0, run.Error);
        Assert.Contains("dotnet ZeroLagHub.Api.dll  urls=http://127.0.0.1:5999", await File.ReadAllLinesAsync(Log));
        Assert.Contains("curl http://127.0.0.1:5999/health", await File.ReadAllLinesAsync(Log));
        Assert.Contains("export ZLH_API=http://127.0.0.1:5999", run.Output);
    }

    [Fact]
    public async Task ThePortalIsOnWithTheIdeOnItsOwnOriginUnlessTurnedOff()
    {
        var run = await UpAsync(GoodStart);
        Assert.True(run.Exit == 0, run.Error);
        Assert.Contains("dotnet ZeroLagHub.Api.dll  portal=true ide={id}.ide.localhost", await File.ReadAllLinesAsync(Log));
        Assert.Contains("portal: http://127.0.0.1:5080/ in a browser", run.Output);

        var off = await UpAsync(GoodStart, ("ZLH_PORTAL__ENABLED", "false"));
        Assert.True(off.Exit == 0, off.Error);
        Assert.Contains("dotnet ZeroLagHub.Api.dll  portal=false ide=", await File.ReadAllLinesAsync(Log));
        Assert.DoesNotContain("portal:", off.Output);
    }

    [Fact]
    public async Task TheBannerCommandNamesEveryPlaceUnderTheHome()
    {
        var run = await ZlhShAsync(["banner"]);

        Assert.Equal(0, run.Exit);
        Assert.Contains("ZeroLagHub: http://127.0.0.1:5080", run.Output);
        Assert.Contains(Path.Combine(Home, "logs", "api.log"), run.Output);
        Assert.Contains($"--password-file {Path.Combine(Home, "admin.password")}", run.Output);
        // Real runtimes by default: a create names one not built yet only to be refused, so the banner says to build them.
        Assert.Contains("./zlh admin artifacts build node 24 && ./zlh admin artifacts build code-server 4.139.1", run.Output);
    }

    [Fact]
    public async Task InTheQuickModeTheBannerAsksForNoArtifactBuild()
    {
        var run = await ZlhShAsync(["banner"], ("ZLH_ARTIFACTS__STANDINS", "true"));

        Assert.Equal(0, run.Exit);
        Assert.DoesNotContain("admin artifacts build", run.Output);
        Assert.Contains("./zlh create dev --name my-box --runtime node --version 24 --wait", run.Output);
    }

    private async Task<Run> UpAsync(string servicesStart, params (string Name, string Value)[] environment) =>
        await UpAsync(servicesStart, false, environment);

    private async Task<Run> UpAsync(string servicesStart, bool failBuild, params (string Name, string Value)[] environment)
    {
        var root = _root.FullName;
        File.Copy(Path.Combine(TestServices.RepositoryRoot(), "zlh.sh"), Path.Combine(root, "zlh.sh"), overwrite: true);
        Directory.CreateDirectory(Path.Combine(root, "scripts"));
        Directory.CreateDirectory(Path.Combine(root, "src", "Api", "bin", "Release", "net10.0"));
        Script(Path.Combine(root, "scripts", "services.sh"), $"""
            echo "services.sh $1" >>"{Log}"
            if [ "$1" = start ]; then
            {servicesStart}
            fi
            """);
        var bin = Directory.CreateDirectory(Path.Combine(root, "bin")).FullName;
        Script(Path.Combine(bin, "dotnet"), $"""
            if [ "$1" = build ]; then echo "dotnet build $2" >>"{Log}"; {(failBuild ? "exit 1" : "exit 0")}; fi
            echo "dotnet $1 $2 postgres=$ZLH_POSTGRES redis=$ZLH_REDIS" >>"{Log}"
            echo "dotnet $1 $2 urls=$ZLH_URLS" >>"{Log}"
            echo "dotnet $1 $2 portal=$ZLH_PORTAL__ENABLED ide=$ZLH_IDE__HOSTPATTERN" >>"{Log}"
            [ "$1" = ZeroLagHub.Api.dll ] && [ -z "$2" ] || exit 0
            [ -f "$ZLH_AUTH__ADMINPASSWORDFILE" ] || (umask 077; echo generated-secret >"$ZLH_AUTH__ADMINPASSWORDFILE")
            echo "stand-in API started"
            # Up (health answers) until zlh.sh has asked, then it ends as if stopped.
            touch "{root}/api-up"
            for _ in $(seq 1 100); do [ -f "{root}/health-asked" ] && break; sleep 0.1; done
            rm -f "{root}/api-up" "{root}/health-asked"
            """);
        Script(Path.Combine(bin, "curl"), $"""
            echo "curl ${"{"}@: -1{"}"}" >>"{Log}"
            [ -f "{root}/api-up" ] || exit 7
            touch "{root}/health-asked"
            """);
        foreach (var name in (string[])["pg_ctl", "redis-server", "bwrap", "slirp4netns"]) Script(Path.Combine(bin, name), "exit 0");
        File.WriteAllText(Log, "");
        return await ZlhShAsync(["up"], environment);
    }

    private async Task<Run> ZlhShAsync(string[] arguments, params (string Name, string Value)[] environment)
    {
        var script = File.Exists(Path.Combine(_root.FullName, "zlh.sh"))
            ? Path.Combine(_root.FullName, "zlh.sh")
            : Path.Combine(TestServices.RepositoryRoot(), "zlh.sh");
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment["PATH"] = $"{Path.Combine(_root.FullName, "bin")}:/usr/bin:/bin";
        foreach (var name in (string[])["ZLH_POSTGRES", "ZLH_REDIS", "ZLH_POSTGRES_ADMIN", "ZLH_URLS", "ZLH_PORT", "ZLH_DATA", "ZLH_SERVICES_DIR",
                     "ZLH_AUTH__ADMINPASSWORDFILE", "ZLH_ARTIFACTS__STANDINS"])
            start.Environment.Remove(name);
        start.Environment["ZLH_HOME"] = Home;
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return new Run(process.ExitCode, await output, await error);
    }

    private sealed record Run(int Exit, string Output, string Error);

    private static void Script(string path, string body)
    {
        File.WriteAllText(path, "#!/usr/bin/env bash\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public void Dispose() => _root.Delete(recursive: true);
}
