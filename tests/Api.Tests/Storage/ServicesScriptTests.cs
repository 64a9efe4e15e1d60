using System.Diagnostics;
using ZeroLagHub.Testing;

namespace ZeroLagHub.Api.Tests.Storage;

/// <summary>
/// scripts/services.sh keeps its secrets in 0600 files and prints them only from <c>start</c> and <c>env</c>:
/// <c>status</c>, which operators paste into tickets and chats, prints none.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ServicesScriptTests : IAsyncLifetime
{
    private static readonly string[] SecretFiles = ["postgres.password", "redis.password", "api-postgres.password", "api-redis.password"];

    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"zlh-services-test-{Guid.NewGuid():N}");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await RunAsync("destroy");

    [Fact]
    public async Task StatusPrintsNoSecretWhileEnvPrintsEachOneAndTheFilesAreTheOwnersAlone()
    {
        var started = await RunAsync("start --fast");
        var secrets = await Task.WhenAll(SecretFiles.Select(f => File.ReadAllTextAsync(Path.Combine(_dir, f))));

        var status = await RunAsync("status");
        var env = await RunAsync("env");

        Assert.All(secrets, secret => Assert.Equal(48, secret.Trim().Length));
        Assert.All(secrets, secret => Assert.DoesNotContain(secret.Trim(), status));
        Assert.DoesNotContain("assword", status);
        Assert.Contains("postgres: running", status);
        Assert.All(secrets, secret => Assert.Contains(secret.Trim(), env));
        Assert.Equal(env, started);
        Assert.All(SecretFiles, f => Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_dir, f))));
    }

    private async Task<string> RunAsync(string arguments)
    {
        var script = Path.Combine(TestServices.RepositoryRoot(), "scripts", "services.sh");
        var start = new ProcessStartInfo("bash", $"\"{script}\" {arguments}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["ZLH_SERVICES_DIR"] = _dir },
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0 || arguments == "destroy", $"services.sh {arguments}: exit {process.ExitCode}: {await stderr}");
        return await stdout + await stderr;
    }
}
