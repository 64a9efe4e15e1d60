using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ZeroLagHub.Agent.Console;
using ZeroLagHub.Agent.Hosting;
using ZeroLagHub.Agent.Pty;

// Namespace ZeroLagHub.Bench, not .Console: a Console namespace would hide System.Console from the other benchmarks.
namespace ZeroLagHub.Bench;

/// <summary>
/// The agent's console endpoint on a real Kestrel (loopback), without the rest of the agent: what a
/// console client measures is the session path (PTY reader, broadcast, per-socket writer, WebSocket).
/// </summary>
internal sealed class ConsoleBenchHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _home;

    private ConsoleBenchHost(WebApplication app, string home) => (_app, _home) = (app, home);

    public string Home => _home;

    public static async Task<ConsoleBenchHost> StartAsync()
    {
        var home = Directory.CreateTempSubdirectory("zlh-console-bench-").FullName;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddProblemDetails();
        builder.Services.AddOptions<ConsoleOptions>();
        builder.Services.AddOptions<AgentOptions>().Configure(o => o.DevHome = home);
        builder.Services.AddSingleton<ConsoleSessions>();
        var app = builder.Build();
        var host = new ConsoleBenchHost(app, home);
        app.UseWebSockets();
        app.MapConsoleApi();
        await app.StartAsync();
        return host;
    }

    public async Task<ClientWebSocket> ConnectShellAsync(CancellationToken ct)
    {
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri(address.Replace("http://", "ws://") + "/console?kind=shell"), ct);
        return socket;
    }

    /// <summary>The baseline: the same shell on a PTY read directly in this process.</summary>
    public PtyProcess StartShellDirectly() =>
        PtyProcess.Start(new PtyStartInfo("/bin/bash", ["-l"], _home,
            new Dictionary<string, string> { ["PATH"] = "/usr/local/bin:/usr/bin:/bin", ["HOME"] = _home, ["LANG"] = "C.UTF-8" }));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Directory.Delete(_home, recursive: true);
    }
}
