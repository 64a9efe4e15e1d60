using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ZeroLagHub.Forwarding.Tests;

/// <summary>
/// A forwarding hop on real Kestrel, as an endpoint would use the library: <c>/ide</c> redirects to
/// <c>/ide/</c>, <c>/ide/{**rest}</c> goes to the upstream as <c>/{rest}</c> with our cookie, credentials
/// and <c>token</c> parameter replaced by the next hop's token. Two listeners: HTTP/1.1, and HTTP/2 with
/// prior knowledge (no TLS here), where browsers' WebSockets arrive as extended CONNECT.
/// </summary>
public sealed class ForwarderHost : IAsyncDisposable
{
    public const string NextHopToken = "next-hop-token-0123456789";
    public const string OurCookie = "zlh_ide_session";

    private readonly WebApplication _app;
    private readonly Socket _closedPort;
    private ListenOptions _http1 = null!, _http2 = null!;

    private ForwarderHost(WebApplication app, Socket closedPort) => (_app, _closedPort) = (app, closedPort);

    public Uri Http1 => new($"http://127.0.0.1:{((IPEndPoint)_http1.EndPoint).Port}");
    public Uri Http2 => new($"http://127.0.0.1:{((IPEndPoint)_http2.EndPoint).Port}");

    /// <param name="unixRoutes">More prefixes (e.g. <c>/unix-a</c>), each forwarded like <c>/ide</c> but to a Unix domain socket.</param>
    public static async Task<ForwarderHost> StartAsync(Uri upstream, IReadOnlyDictionary<string, string>? unixRoutes = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        ListenOptions? h1 = null, h2 = null;
        builder.WebHost.UseKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0, l => { l.Protocols = HttpProtocols.Http1; h1 = l; });
            k.Listen(IPAddress.Loopback, 0, l => { l.Protocols = HttpProtocols.Http2; h2 = l; });
        });
        builder.Services.AddHttpForwarder(connectTimeout: TimeSpan.FromSeconds(2));
        var app = builder.Build();
        var closed = BoundButNotListening();
        var dead = new Uri($"http://127.0.0.1:{((IPEndPoint)closed.LocalEndPoint!).Port}");

        app.UseStatusCodePages();   // as the API and the agent do: it must not replace the next hop's empty errors
        Func<PathString, ForwardRequest> Tcp(Uri destination) => rest => new ForwardRequest(destination, rest);
        app.Map("/ide/{**rest}", (HttpContext c, HttpForwarder f) => Forward(c, f, "/ide", Tcp(upstream), TimeSpan.FromSeconds(30), trust: false));
        app.Map("/trusting/{**rest}", (HttpContext c, HttpForwarder f) => Forward(c, f, "/trusting", Tcp(upstream), TimeSpan.FromSeconds(30), trust: true));
        app.Map("/dead/{**rest}", (HttpContext c, HttpForwarder f) => Forward(c, f, "/dead", Tcp(dead), TimeSpan.FromSeconds(30), trust: false));
        app.Map("/impatient/{**rest}", (HttpContext c, HttpForwarder f) => Forward(c, f, "/impatient", Tcp(upstream), TimeSpan.FromMilliseconds(300), trust: false));
        foreach (var (prefix, socket) in unixRoutes ?? new Dictionary<string, string>())
            app.Map(prefix + "/{**rest}", (HttpContext c, HttpForwarder f) =>
                Forward(c, f, prefix, rest => ForwardRequest.ToUnixSocket(socket, rest), TimeSpan.FromSeconds(30), trust: false));
        await app.StartAsync();
        return new ForwarderHost(app, closed) { _http1 = h1!, _http2 = h2! };
    }

    private static async Task Forward(HttpContext context, HttpForwarder forwarder, string prefix, Func<PathString, ForwardRequest> destination,
        TimeSpan timeout, bool trust)
    {
        // "/ide/{**rest}" matches the bare "/ide" too; that one is sent beneath itself.
        if (!ForwardedPath.TryStrip(context.Request.Path, prefix, out var rest))
        {
            await ForwardedPath.RedirectToSlash(context).ExecuteAsync(context);
            return;
        }
        await forwarder.SendAsync(context, destination(rest) with
        {
            DestinationName = "the upstream",
            StrippedPrefix = prefix,
            Timeout = timeout,
            TrustForwardedHeaders = trust,
            Transform = (_, request) =>
            {
                RequestTransforms.RemoveCookies(request, OurCookie);
                RequestTransforms.RemoveQueryParameter(request, "token");
                RequestTransforms.SetBearer(request, NextHopToken);
            },
        });
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

/// <summary>One upstream and one forwarder in front of it, shared by a test class.</summary>
public sealed class ForwardingFixture : IAsyncLifetime
{
    public Upstream Upstream { get; private set; } = null!;
    public ForwarderHost Forwarder { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Upstream = await Upstream.StartAsync();
        Forwarder = await ForwarderHost.StartAsync(Upstream.BaseAddress);
    }

    /// <summary>A plain HTTP/1.1 client of the forwarder that follows no redirects.</summary>
    public HttpClient Client() => new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = Forwarder.Http1 };

    public async Task DisposeAsync()
    {
        await Forwarder.DisposeAsync();
        await Upstream.DisposeAsync();
    }
}
