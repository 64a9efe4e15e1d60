using System.Diagnostics;
using System.Text.RegularExpressions;

namespace ZeroLagHub.Testing;

/// <summary>
/// The PostgreSQL and Redis every test in this process uses. The README's test command starts one pair
/// for the whole run and passes it in <c>ZLH_TEST_POSTGRES</c> / <c>ZLH_TEST_REDIS</c>; when those are
/// unset (e.g. <c>dotnet test</c> on one project) the first caller starts a private pair with
/// scripts/services.sh and the process stops it on exit. Either way both need the passwords in the
/// connection strings: services.sh generates them and prints them in its <c>ZLH_…='…'</c> lines.
/// </summary>
public static partial class TestServices
{
    private static readonly Lazy<Task<ServiceEndpoints>> Endpoints = new(StartOrReuse);

    public static Task<ServiceEndpoints> GetAsync() => Endpoints.Value;

    private static async Task<ServiceEndpoints> StartOrReuse()
    {
        var postgres = Environment.GetEnvironmentVariable("ZLH_TEST_POSTGRES");
        var redis = Environment.GetEnvironmentVariable("ZLH_TEST_REDIS");
        if (!string.IsNullOrEmpty(postgres) && !string.IsNullOrEmpty(redis)) return new ServiceEndpoints(postgres, redis);

        // /tmp, not the user's home: PostgreSQL runs as `postgres` when we are root and cannot enter /root.
        var dir = Path.Combine(Path.GetTempPath(), $"zlh-test-{Environment.ProcessId}");
        var output = await RunServicesScript("start --fast", dir);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => RunServicesScript("destroy", dir).GetAwaiter().GetResult();
        return new ServiceEndpoints(Value(output, "ZLH_POSTGRES"), Value(output, "ZLH_REDIS"));
    }

    private static string Value(string output, string name)
    {
        var match = Regex.Match(output, $"^{name}='([^']*)'", RegexOptions.Multiline);
        return match.Success ? match.Groups[1].Value : throw new InvalidOperationException($"services.sh printed no {name}:\n{output}");
    }

    private static async Task<string> RunServicesScript(string arguments, string dir)
    {
        var script = Path.Combine(RepositoryRoot(), "scripts", "services.sh");
        var start = new ProcessStartInfo("bash", $"\"{script}\" {arguments}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["ZLH_SERVICES_DIR"] = dir },
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"services.sh {arguments} failed ({process.ExitCode}): {await stderr}");
        return await stdout;
    }

    /// <summary>The checkout this test binary was built from (the folder holding ZeroLagHub.sln).</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ZeroLagHub.sln"))) return dir.FullName;
        throw new InvalidOperationException($"no ZeroLagHub.sln above {AppContext.BaseDirectory}");
    }
}

/// <param name="PostgresAdmin">Npgsql connection string of a superuser, database <c>postgres</c>, with its password.</param>
/// <param name="Redis"><c>host:port,password=…</c> of a Redis without persistence (RedisOptions' syntax).</param>
public sealed record ServiceEndpoints(string PostgresAdmin, string Redis);
