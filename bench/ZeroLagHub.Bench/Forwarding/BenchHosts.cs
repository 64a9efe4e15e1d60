using System.Net;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
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
/// transformer and client) in front of it, both on loopback Kestrel.
/// </summary>
internal sealed class BenchHosts : IAsyncDisposable
{
    public const int PayloadBytes = 1024;

    private readonly WebApplication _upstream, _forwarder;

    private BenchHosts(WebApplication upstream, WebApplication forwarder, Uri direct, Uri forwarded) =>
        (_upstream, _forwarder, Direct, Forwarded) = (upstream, forwarder, direct, forwarded);

    public Uri Direct { get; }
    public Uri Forwarded { get; }

    public static async Task<BenchHosts> StartAsync()
    {
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
        });
        await upstream.StartAsync();
        var direct = Address(upstream);

        var agent = new AgentEndpoint(direct, "bench-agent-token");
        var forwarder = Host(app =>
        {
            var hop = new AgentHop(app.Services.GetRequiredService<IHttpForwarder>(), app.Services.GetRequiredService<AgentHopClient>());
            app.Map("/{**rest}", (HttpContext c) => hop.ForwardAsync(c, agent, c.Request.Path, default));
        },
            services => services.AddHttpForwarder().AddSingleton<AgentHopClient>());
        await forwarder.StartAsync();
        return new BenchHosts(upstream, forwarder, direct, Address(forwarder));
    }

    private static WebApplication Host(Action<WebApplication> map, Action<IServiceCollection>? services = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        services?.Invoke(builder.Services);
        var app = builder.Build();
        map(app);
        return app;
    }

    private static Uri Address(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());

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
    }
}
