using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ZeroLagHub.Agent.Tests.Install;
using ZeroLagHub.Domain.Agent;

namespace ZeroLagHub.Agent.Tests.Provisioning;

public sealed class ProvisionTests : IAsyncLifetime
{
    private readonly Sandbox _sandbox = new();
    private ArtifactServerFixture _artifacts = null!;
    private AgentHost _agent = null!;

    public async Task InitializeAsync()
    {
        _artifacts = await ArtifactServerFixture.StartAsync();
        _artifacts.AddRuntime("node", "24", "node-24.tar.xz", "node", new TestArchive()
            .Directory("node-v24.1.0-linux-x64/")
            .File("node-v24.1.0-linux-x64/bin/node", "#!/bin/sh\necho v24.1.0\n", TestArchive.Executable)
            .Symlink("node-v24.1.0-linux-x64/bin/npm", "../lib/npm-cli.js")
            .File("node-v24.1.0-linux-x64/lib/npm-cli.js", "// npm")
            .TarXz());
        _artifacts.AddRuntime("java", "21", "jdk-21.tar.gz", "jdk", new TestArchive()
            .File("jdk-21.0.5+11/bin/java", "#!/bin/sh\n", TestArchive.Executable)
            .File("jdk-21.0.5+11/release", "JAVA_VERSION=\"21.0.5\"")
            .TarGz());
        _agent = new AgentHost(_sandbox, WithArtifacts());
    }

    private Dictionary<string, string> WithArtifacts()
    {
        var settings = _artifacts.AgentSettings();
        settings["DevUser"] = "zlh-test-no-such-user";
        return settings;
    }

    private string Runtimes(string relative) => _sandbox.Path(Path.Combine("opt/zlh/runtimes", relative));

    [Fact]
    public async Task ProvisioningInstallsTheRuntimeAndStatusReportsIt()
    {
        var response = await Provision(new { kind = "Dev", runtime = "node", version = "24", addons = Array.Empty<string>() });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = (await response.Content.ReadFromJsonAsync<ProvisionResult>())!;
        Assert.Equal("installed", result.Outcome);
        Assert.Equal(Runtimes("node/24"), Assert.Single(result.Installs).Path);
        Assert.NotNull(result.DevReadyAt);

        // The release tarball's single top folder is stripped; relative symlinks inside are kept.
        Assert.Equal("#!/bin/sh\necho v24.1.0\n", await File.ReadAllTextAsync(Runtimes("node/24/bin/node")));
        if (!OperatingSystem.IsWindows()) Assert.True(File.GetUnixFileMode(Runtimes("node/24/bin/node")).HasFlag(UnixFileMode.UserExecute));
        Assert.Equal("// npm", await File.ReadAllTextAsync(Runtimes("node/24/bin/npm")));
        Assert.True(File.Exists(Runtimes("node/24/.zlh-installed")));
        Assert.True(Directory.Exists(_sandbox.Path("home/dev/workspace")));
        Assert.Empty(Directory.GetFileSystemEntries(Runtimes("node"), ".*"));   // no downloads or stages left behind

        var status = (await _agent.Authorized().GetFromJsonAsync<AgentStatus>("/status"))!;
        Assert.True(status.RuntimeInstalled);
        Assert.Equal("node", status.Runtime);
        Assert.Equal("24", status.RuntimeVersion);
        Assert.Equal(Runtimes("node/24"), status.RuntimeInstallPath);
        Assert.True(status.DevProvisioned);
        Assert.Equal(result.DevReadyAt, status.DevReadyAt);
        Assert.False(status.CodeServerInstalled);

        var kinds = await JournalKinds();
        Assert.Equal(["provision.note", "install.started", "install.succeeded"], kinds);
    }

    [Fact]
    public async Task JavaComesFromTheJdkArtifactAndItsEnvironmentReachesDevShells()
    {
        var response = await Provision(new { runtime = "java", version = "21" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var env = await File.ReadAllTextAsync(_sandbox.Path("opt/zlh/runtimes/env.sh"));
        Assert.Contains("export RUNTIME_VERSION='21'", env);
        Assert.Contains("export ARCHIVE_PREFIX='jdk'", env);
        Assert.Contains($"export JAVA_HOME='{Runtimes("java/21")}'", env);
        Assert.Contains($"export PATH='{Runtimes("java/21/bin")}'", env);
        Assert.True(File.Exists(Runtimes("java/21/bin/java")));
    }

    [Fact]
    public async Task ARuntimeNotInTheCatalogIsRejectedNamingWhatExistsBeforeAnyDownload()
    {
        var response = await Provision(new { runtime = "node", version = "18" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("CatalogMissing", problem.GetProperty("error").GetString());
        Assert.Contains("java 21; node 24", problem.GetProperty("detail").GetString());

        Assert.Equal(["_catalog.json"], _artifacts.Requests);
        Assert.False(Directory.Exists(_sandbox.Path("home/dev/workspace")));
        Assert.False(Directory.Exists(_sandbox.Path("opt/zlh/runtimes")));
    }

    [Fact]
    public async Task AnAddonNotInTheCatalogIsRejectedToo()
    {
        var response = await Provision(new { runtime = "node", version = "24", addons = new[] { "code-server" } });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("addon code-server is not in the artifact catalog", await response.Content.ReadAsStringAsync());
        Assert.Equal(0, _artifacts.Downloads("node-24.tar.xz"));
    }

    [Theory]
    [InlineData("""{"runtime":"../../etc","version":"1"}""")]
    [InlineData("""{"runtime":"node"}""")]
    [InlineData("""{"kind":"Game","runtime":"node","version":"24"}""")]
    [InlineData("""{"addons":["code-server/../x"]}""")]
    public async Task BadRequestsAre400AndTouchNothing(string body)
    {
        var response = await Provision(body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(_artifacts.Requests);
        Assert.False(Directory.Exists(_sandbox.Path("home/dev")));
    }

    [Fact]
    public async Task AChecksumMismatchInstallsNothingAndIsJournalledWithTheOutput()
    {
        _artifacts.AddRuntime("python", "3.12", "python-3.12.tar.xz", "python",
            new TestArchive().File("bin/python3", "#!/bin/sh\n").TarXz(), claimedSha256: new string('0', 64));

        var response = await Provision(new { runtime = "python", version = "3.12" });
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("ChecksumMismatch", problem.GetProperty("error").GetString());
        Assert.Contains(problem.GetProperty("output").EnumerateArray(), l => l.GetString()!.Contains("downloading python-3.12.tar.xz"));

        Assert.False(Directory.Exists(Runtimes("python/3.12")));
        Assert.Empty(Directory.GetFileSystemEntries(Runtimes("python")));   // the download is gone too
        var status = (await _agent.Authorized().GetFromJsonAsync<AgentStatus>("/status"))!;
        Assert.False(status.RuntimeInstalled);
        Assert.False(status.DevProvisioned);

        var failed = (await _agent.Authorized().GetFromJsonAsync<JournalPage>("/journal"))!.Entries.Single(e => e.Kind == "install.failed");
        Assert.Equal("ChecksumMismatch", failed.Data.GetProperty("error").GetString());
        Assert.True(failed.Data.GetProperty("output").GetArrayLength() > 0);
    }

    [Fact]
    public async Task ATarSlipArtifactIsRejectedAndNothingIsInstalled()
    {
        _artifacts.AddRuntime("go", "1.22", "go-1.22.tar.gz", "go", new TestArchive()
            .File("go/bin/go", "#!/bin/sh\n", TestArchive.Executable)
            .File("go/../../../../escaped", "pwned")
            .TarGz());

        var response = await Provision(new { runtime = "go", version = "1.22" });
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("UnsafeArchive", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
        Assert.False(Directory.Exists(Runtimes("go/1.22")));
        Assert.Empty(Directory.GetFileSystemEntries(Runtimes("go")));
        Assert.Empty(Directory.GetFiles(_sandbox.Root, "escaped", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task AnInterruptedInstallIsCleanedAndRetried()
    {
        // What a crash mid-install leaves: the directory, part of the content, no completion marker.
        Directory.CreateDirectory(Runtimes("node/24/bin"));
        await File.WriteAllTextAsync(Runtimes("node/24/bin/half-written"), "x");
        Directory.CreateDirectory(Runtimes("node/.24.zlh-stage-deadbeef/junk"));

        var response = await Provision(new { runtime = "node", version = "24" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(File.Exists(Runtimes("node/24/bin/half-written")));
        Assert.True(File.Exists(Runtimes("node/24/bin/node")));
        Assert.True(File.Exists(Runtimes("node/24/.zlh-installed")));
        Assert.Equal(["24"], Directory.GetFileSystemEntries(Runtimes("node")).Select(Path.GetFileName));
    }

    [Fact]
    public async Task ASecondProvisionWithTheSameContentIsANoOp()
    {
        var request = new { runtime = "node", version = "24", addons = Array.Empty<string>() };
        var first = (await (await Provision(request)).Content.ReadFromJsonAsync<ProvisionResult>())!;
        var journalled = (await JournalKinds()).Count;

        var second = (await (await Provision(request)).Content.ReadFromJsonAsync<ProvisionResult>())!;
        Assert.Equal("already installed", second.Outcome);
        Assert.Equal("already installed", Assert.Single(second.Installs).Outcome);
        Assert.Equal(first.DevReadyAt, second.DevReadyAt);
        Assert.Equal(1, _artifacts.Downloads("node-24.tar.xz"));
        Assert.Equal(journalled, (await JournalKinds()).Count);
    }

    [Fact]
    public async Task ARepeatedCommandIdReturnsTheFirstResultWithoutActingAgain()
    {
        var request = new { runtime = "node", version = "24" };
        var first = await Provision(request, commandId: "msg-42");
        var firstBody = await first.Content.ReadAsStringAsync();
        Directory.Delete(Runtimes("node/24"), recursive: true);   // acting again would reinstall it

        var repeat = await Provision(request, commandId: "msg-42");
        Assert.Equal(HttpStatusCode.OK, repeat.StatusCode);
        Assert.Equal(firstBody, await repeat.Content.ReadAsStringAsync());
        Assert.Equal(1, _artifacts.Downloads("node-24.tar.xz"));
        Assert.False(Directory.Exists(Runtimes("node/24")));
    }

    [Fact]
    public async Task AProvisionWithoutACommandIdIsRefused()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/provision") { Content = JsonContent.Create(new { runtime = "node", version = "24" }) };
        var response = await _agent.Authorized().SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(_artifacts.Requests);
    }

    [Fact]
    public async Task TheWrongArtifactTokenIsArtifactServerTroubleAndTheTokenIsNotEchoed()
    {
        var settings = WithArtifacts();
        settings["ArtifactToken"] = "wrong-artifact-token-000000";
        using var sandbox = new Sandbox();
        using var agent = new AgentHost(sandbox, settings);
        var response = await Provision(new { runtime = "node", version = "24" }, agent: agent);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("CatalogUnavailable", body);
        Assert.Contains("401", body);
        Assert.DoesNotContain("wrong-artifact-token", body);
    }

    private Task<HttpResponseMessage> Provision(object body, string? commandId = null, AgentHost? agent = null) =>
        Provision(JsonSerializer.Serialize(body), commandId, agent);

    private async Task<HttpResponseMessage> Provision(string body, string? commandId = null, AgentHost? agent = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/provision")
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Idempotency-Key", commandId ?? Guid.NewGuid().ToString());
        return await (agent ?? _agent).Authorized().SendAsync(request);
    }

    private async Task<List<string>> JournalKinds() =>
        [.. (await _agent.Authorized().GetFromJsonAsync<JournalPage>("/journal"))!.Entries.Select(e => e.Kind)];

    public async Task DisposeAsync()
    {
        _agent.Dispose();
        await _artifacts.DisposeAsync();
        _sandbox.Dispose();
    }
}
