using System.Net;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;
using ZeroLagHub.Api.Hosts;
using ZeroLagHub.Api.Ide.Hop;

namespace ZeroLagHub.Bench.Forwarding;

/// <summary>
/// The upstream (1 KB answers, WebSocket echo) and the API's hop to an agent (<see cref="AgentHop"/>: YARP with our
/// transformer and client) in front of it, both on loopback Kestrel. Clients reach both over TCP; the hop reaches the
/// upstream as the API reaches an agent: over a Unix socket (a local agent) or TCP (a Proxmox agent).
/// </summary>
internal sealed class BenchHosts : IAsyncDisposable
{
    public const int PayloadBytes = 1024;

    private readonly WebApplication _upstream, _forwarder;
    private readonly string _socketDirectory;

    private BenchHosts(WebApplication upstream, WebApplication forwarder, string socketDirectory, Uri direct, Uri forwarded) =>
        (_upstream, _forwarder, _socketDirectory, Direct, Forwarded) = (upstream, forwarder, socketDirectory, direct, forwarded);

    public Uri Direct { get; }
    public Uri Forwarded { get; }

    /// <param name="unixSocket">The hop reaches the upstream over a Unix socket (else over TCP).</param>
    public static async Task<BenchHosts> StartAsync(bool unixSocket)
    {
        var socketDirectory = Directory.CreateTempSubdirectory("zlh-bench-forward-").FullName;
        var socket = Path.Combine(socketDirectory, "agent.sock");
        var payload = new byte[PayloadBytes];
        Random.Shared.NextBytes(payload);
        var upstream = Host(app =>
        {
            app.UseWebSockets();
            app.MapGet("/data", (RequestDelegate)(c =>
            {
                c.Response.ContentType = "application/octet-stream";
                c.Response.ContentLength = payload.Length;
                return c.Response.Body.WriteAsync(payload).AsTask();
            }));
            app.Map("/ws", Echo);
        }, k => k.ListenUnixSocket(socket));
        await upstream.StartAsync();
        var direct = Address(upstream);

        var agent = unixSocket ? AgentEndpoint.OnUnixSocket(socket, "bench-agent-token") : new AgentEndpoint(direct, "bench-agent-token");
        var forwarder = Host(app =>
        {
            var hop = new AgentHop(app.Services.GetRequiredService<IHttpForwarder>(), app.Services.GetRequiredService<AgentHopClient>());
            app.Map("/{**rest}", (HttpContext c) => hop.ForwardAsync(c, agent, c.Request.Path, default));
        },
            services: services => services.AddHttpForwarder().AddSingleton<AgentHopClient>());
        await forwarder.StartAsync();
        return new BenchHosts(upstream, forwarder, socketDirectory, direct, Address(forwarder));
    }

    private static WebApplication Host(Action<WebApplication> map, Action<KestrelServerOptions>? listen = null, Action<IServiceCollection>? services = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0);
            listen?.Invoke(k);
        });
        services?.Invoke(builder.Services);
        var app = builder.Build();
        map(app);
        return app;
    }

    private static Uri Address(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single(a => a.StartsWith("http://127.", StringComparison.Ordinal)));

    private static async Task Echo(HttpContext c)
    {
        if (!c.WebSockets.IsWebSocketRequest) { c.Response.StatusCode = 400; return; }
        using var ws = await c.WebSockets.AcceptWebSocketAsync();
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var r = await ws.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
                if (r.MessageType == WebSocketMessageType.Close)
                {
                    await ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                    return;
                }
                await ws.SendAsync(buffer.AsMemory(0, r.Count), r.MessageType, r.EndOfMessage, CancellationToken.None);
            }
        }
        catch (WebSocketException) { }   // the benchmark's client went away
    }

    public async ValueTask DisposeAsync()
    {
        await _forwarder.DisposeAsync();
        await _upstream.DisposeAsync();
        Directory.Delete(_socketDirectory, recursive: true);
    }
}
