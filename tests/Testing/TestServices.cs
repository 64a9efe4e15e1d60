using System.Diagnostics;
using System.Text.RegularExpressions;

namespace ZeroLagHub.Testing;

/// <summary>
/// The PostgreSQL and Redis every test in this process uses. The README's test command starts one pair
/// for the whole run and passes it in <c>ZLH_TEST_POSTGRES[_ADMIN]</c> / <c>ZLH_TEST_REDIS[_ADMIN]</c>; when those are
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
        string?[] given = [.. Names.Select(n => Environment.GetEnvironmentVariable("ZLH_TEST_" + n))];
        if (given.All(v => !string.IsNullOrEmpty(v))) return new ServiceEndpoints(given[0]!, given[1]!, given[2]!, given[3]!);

        // /tmp, not the user's home: PostgreSQL runs as `postgres` when we are root and cannot enter /root.
        var dir = Path.Combine(Path.GetTempPath(), $"zlh-test-{Environment.ProcessId}");
        var output = await RunServicesScript("start --fast", dir);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => RunServicesScript("destroy", dir).GetAwaiter().GetResult();
        return new ServiceEndpoints(Value(output, "ZLH_" + Names[0]), Value(output, "ZLH_" + Names[1]),
            Value(output, "ZLH_" + Names[2]), Value(output, "ZLH_" + Names[3]));
    }

    /// <summary>services.sh's lines (ZLH_…), as scripts/test.sh passes them on (ZLH_TEST_…), in <see cref="ServiceEndpoints"/>' order.</summary>
    private static readonly string[] Names = ["POSTGRES_ADMIN", "POSTGRES", "REDIS", "REDIS_ADMIN"];

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
/// <param name="PostgresApi">The API's role (no superuser), as services.sh names it; the API tests' databases are
/// bootstrapped for it (one role for the whole run, a database per test class).</param>
/// <param name="Redis"><c>host:port,user=…,password=…</c> of a Redis without persistence (StackExchange.Redis' syntax): the API's ACL user.</param>
/// <param name="RedisAdmin"><c>host:port,password=…</c>: Redis' default user, every command (for tests of the client itself).</param>
public sealed record ServiceEndpoints(string PostgresAdmin, string PostgresApi, string Redis, string RedisAdmin);
