using System.Diagnostics;
using ZeroLagHub.Testing;

namespace ZeroLagHub.Cli.Tests.Launcher;

/// <summary>
/// <c>./zlh.sh up</c>, run by bash as a user would, from a copy of the checkout's script beside a stand-in
/// <c>scripts/services.sh</c>, with stand-ins for <c>dotnet</c> and the servers' binaries first on PATH: each
/// stand-in writes what it was asked to a log, so the test sees which steps ran.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ZlhUpTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("zlh-up-test-");
    private string Log => Path.Combine(_root.FullName, "calls.log");

    [Fact]
    public async Task AFailedServicesStartStopsUpWithItsCauseAndStartsNoApi()
    {
        var (exit, error) = await UpAsync(servicesStart: """
            echo "services.sh: redis did not start, see /var/tmp/zlh/redis.log" >&2
            exit 1
            """);

        Assert.NotEqual(0, exit);
        Assert.Contains("redis did not start", error);
        Assert.Contains("starting PostgreSQL and Redis failed", error);
        Assert.DoesNotContain("No PostgreSQL configured", error);
        var calls = await File.ReadAllLinesAsync(Log);
        Assert.DoesNotContain(calls, c => c.StartsWith("dotnet", StringComparison.Ordinal));
        // What the half-done start left running is stopped.
        Assert.Contains("services.sh stop", calls);
    }

    [Fact]
    public async Task AStartThatPrintsNoConnectionStringsStopsUpToo()
    {
        var (exit, error) = await UpAsync(servicesStart: "exit 0");

        Assert.NotEqual(0, exit);
        Assert.Contains("printed no connection strings", error);
        Assert.DoesNotContain(await File.ReadAllLinesAsync(Log), c => c.StartsWith("dotnet", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AGoodStartRunsTheApiWithTheConnectionStrings()
    {
        var (exit, error) = await UpAsync(servicesStart: """
            echo "ZLH_POSTGRES='Host=127.0.0.1;Port=1'"
            echo "ZLH_REDIS='127.0.0.1:2'"
            """);

        Assert.True(exit == 0, error);
        Assert.Contains("dotnet run postgres=Host=127.0.0.1;Port=1 redis=127.0.0.1:2", await File.ReadAllLinesAsync(Log));
    }

    private async Task<(int Exit, string Error)> UpAsync(string servicesStart)
    {
        var root = _root.FullName;
        File.Copy(Path.Combine(TestServices.RepositoryRoot(), "zlh.sh"), Path.Combine(root, "zlh.sh"));
        Directory.CreateDirectory(Path.Combine(root, "scripts"));
        Script(Path.Combine(root, "scripts", "services.sh"), $"""
            echo "services.sh $1" >>"{Log}"
            if [ "$1" = start ]; then
            {servicesStart}
            fi
            """);
        var bin = Directory.CreateDirectory(Path.Combine(root, "bin")).FullName;
        Script(Path.Combine(bin, "dotnet"), $"""echo "dotnet $1 postgres=$ZLH_POSTGRES redis=$ZLH_REDIS" >>"{Log}" """);
        foreach (var name in (string[])["pg_ctl", "redis-server", "bwrap"]) Script(Path.Combine(bin, name), "exit 0");
        File.WriteAllText(Log, "");

        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(root, "zlh.sh"));
        start.ArgumentList.Add("up");
        start.Environment["PATH"] = $"{bin}:/usr/bin:/bin";
        start.Environment.Remove("ZLH_POSTGRES");
        start.Environment.Remove("ZLH_REDIS");
        start.Environment["ZLH_SERVICES_DIR"] = Path.Combine(root, "services");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        await output;
        return (process.ExitCode, await error);
    }

    private static void Script(string path, string body)
    {
        File.WriteAllText(path, "#!/usr/bin/env bash\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public void Dispose() => _root.Delete(recursive: true);
}
