using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace ZeroLagHub.Agent.Tests;

/// <summary>
/// A real agent on Kestrel (loopback, random port) over a sandbox directory that stands in for the
/// container's filesystem. Disposing stops it; starting another over the same sandbox is an agent restart.
/// </summary>
public sealed class AgentHost : WebApplicationFactory<Program>
{
    public const string Token = "test-agent-token-0123456789";

    public AgentHost(Sandbox sandbox, IDictionary<string, string>? settings = null)
    {
        Sandbox = sandbox;
        _settings = new Dictionary<string, string>
        {
            ["ContainerId"] = sandbox.ContainerId.ToString(),
            ["Vmid"] = "6038",
            ["Token"] = Token,
            ["DataDir"] = sandbox.Path("var/lib/zlh-agent"),
            ["ZlhRoot"] = sandbox.Path("opt/zlh"),
            ["DevHome"] = sandbox.Path("home/dev"),
            ["ServerRoot"] = sandbox.Path("srv/server"),
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) _settings[key] = value;
        // The address comes from configuration, not UseKestrel(port): with a port, WebApplicationFactory rewrites the
        // server's addresses after building the host, racing Program's app.Run(), which sometimes has started it already.
        UseKestrel();
        StartServer();
    }

    private readonly Dictionary<string, string> _settings;

    public Sandbox Sandbox { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting(WebHostDefaults.ServerUrlsKey, "http://127.0.0.1:0");
        foreach (var (key, value) in _settings) builder.UseSetting(key, value);
    }

    /// <summary>A client that presents the agent token.</summary>
    public HttpClient Authorized()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return client;
    }

    /// <summary>A client that presents nothing.</summary>
    public HttpClient Anonymous() => CreateClient();
}

/// <summary>A throwaway directory tree standing in for one container's filesystem.</summary>
public sealed class Sandbox : IDisposable
{
    public Guid ContainerId { get; } = Guid.NewGuid();
    public string Root { get; } = Directory.CreateTempSubdirectory("zlh-agent-").FullName;

    public string Path(string relative) => System.IO.Path.Combine(Root, relative);

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
