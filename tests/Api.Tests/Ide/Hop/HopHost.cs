using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;
using ZeroLagHub.Api.Hosts;
using ZeroLagHub.Api.Ide;
using ZeroLagHub.Api.Ide.Hop;

namespace ZeroLagHub.Api.Tests.Ide.Hop;

/// <summary>
/// The API's hop to an agent (<see cref="AgentHop"/>, as <see cref="IdeProxy"/> uses it) on real Kestrel, in front
/// of a stand-in agent: <c>/ide</c> redirects to <c>/ide/</c>, <c>/ide/{**rest}</c> goes to the stand-in as
/// <c>/{rest}</c> with our cookie and <c>token</c> parameter removed and the agent's token set. Two listeners:
/// HTTP/1.1, and HTTP/2 with prior knowledge (no TLS here), where browsers' WebSockets arrive as extended CONNECT
/// (as they do at the API over HTTPS).
/// </summary>
public sealed class HopHost : IAsyncDisposable
{
    public const string AgentToken = "agent-token-0123456789";
    public const string OurCookie = IdeGate.CookieName;

    private readonly WebApplication _app;
    private readonly Socket _closedPort;
    private ListenOptions _http1 = null!, _http2 = null!;

    private HopHost(WebApplication app, Socket closedPort) => (_app, _closedPort) = (app, closedPort);

    public Uri Http1 => new($"http://127.0.0.1:{((IPEndPoint)_http1.EndPoint).Port}");
    public Uri Http2 => new($"http://127.0.0.1:{((IPEndPoint)_http2.EndPoint).Port}");

    public static async Task<HopHost> StartAsync(Uri agent)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        ListenOptions? h1 = null, h2 = null;
        builder.WebHost.UseKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0, l => { l.Protocols = HttpProtocols.Http1; h1 = l; });
            k.Listen(IPAddress.Loopback, 0, l => { l.Protocols = HttpProtocols.Http2; h2 = l; });
        });
        builder.Services.AddHttpForwarder();
        builder.Services.AddSingleton<AgentHopClient>();
        var app = builder.Build();
        var closed = BoundButNotListening();
        var dead = new Uri($"http://127.0.0.1:{((IPEndPoint)closed.LocalEndPoint!).Port}");
        var forwarder = app.Services.GetRequiredService<IHttpForwarder>();
        var client = app.Services.GetRequiredService<AgentHopClient>();
        var hop = new AgentHop(forwarder, client) { DestinationName = "the stand-in agent" };

        app.UseStatusCodePages();   // as the API does: it must not replace the agent's empty errors
        app.Map("/ide/{**rest}", (HttpContext c) => Forward(c, hop, "/ide", agent));
        app.Map("/dead/{**rest}", (HttpContext c) => Forward(c, hop, "/dead", dead));
        app.Map("/impatient/{**rest}", (HttpContext c) =>
            Forward(c, new AgentHop(forwarder, client) { Timeout = TimeSpan.FromMilliseconds(300) }, "/impatient", agent));
        await app.StartAsync();
        return new HopHost(app, closed) { _http1 = h1!, _http2 = h2! };
    }

    private static async Task Forward(HttpContext context, AgentHop hop, string prefix, Uri agent)
    {
        // "/ide/{**rest}" matches the bare "/ide" too; that one is sent beneath itself.
        if (!ForwardedPath.TryStrip(context.Request.Path, prefix, out var rest))
        {
            await ForwardedPath.RedirectToSlash(context).ExecuteAsync(context);
            return;
        }
        await hop.ForwardAsync(context, new AgentEndpoint(agent, AgentToken), rest, prefix);
    }

    /// <summary>
    /// A loopback port that refuses connections. Held (bound, never listening) for the host's lifetime: a
    /// released port could be handed to a listener of this very test run.
    /// </summary>
    private static Socket BoundButNotListening()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _closedPort.Dispose();
    }
}

/// <summary>One stand-in agent and the hop in front of it, shared by a test class.</summary>
public sealed class HopFixture : IAsyncLifetime
{
    public Upstream Upstream { get; private set; } = null!;
    public HopHost Hop { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Upstream = await Upstream.StartAsync();
        Hop = await HopHost.StartAsync(Upstream.BaseAddress);
    }

    /// <summary>A plain HTTP/1.1 client of the hop that follows no redirects.</summary>
    public HttpClient Client() => new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = Hop.Http1 };

    public async Task DisposeAsync()
    {
        await Hop.DisposeAsync();
        await Upstream.DisposeAsync();
    }
}
