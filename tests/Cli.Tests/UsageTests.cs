namespace ZeroLagHub.Cli.Tests;

/// <summary>Command lines zlh refuses before calling any API: exit 2 and a message on stderr.</summary>
public sealed class UsageTests
{
    [Theory]
    [InlineData("frobnicate")]
    [InlineData("create", "dev", "--cores", "many")]
    [InlineData("deploy")]   // a deployment is required (any word may be a container name, so "not-a-uuid" is no longer malformed)
    [InlineData("deploys", "--state", "exploded")]
    [InlineData("rm")]
    public async Task AMalformedCommandLineExits2AndPointsToTheHelp(params string[] args)
    {
        using var zlh = new Zlh(new Uri("http://127.0.0.1:9/"));
        var run = await zlh.RunAsync(args);
        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("zlh --help", run.Err);
        Assert.Empty(run.Out);
    }

    [Fact]
    public async Task ABadApiAddressIsAUsageError()
    {
        using var zlh = new Zlh();
        var run = await zlh.RunAsync("ls", "--api", "ftp://example");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--api", run.Err);
    }

    [Fact]
    public async Task AnUnreachableApiFailsWithExit1AndSaysWhere()
    {
        using var zlh = new Zlh(new Uri("http://127.0.0.1:9/"));
        await File.WriteAllTextAsync(Path.Combine(Directory.CreateDirectory(Path.Combine(zlh.ConfigHome, "zlh")).FullName, "credentials.json"),
            """{"http://127.0.0.1:9": {"username": "u", "accessToken": "a", "expiresAt": "2999-01-01T00:00:00Z", "refreshToken": "r"}}""");
        var run = await zlh.RunAsync("ls");
        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("cannot reach http://127.0.0.1:9/", run.Err);
    }
}
