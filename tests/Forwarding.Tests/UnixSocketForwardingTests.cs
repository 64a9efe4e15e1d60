using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ZeroLagHub.Forwarding.Tests;

/// <summary>
/// Two upstreams that listen only on Unix domain sockets (as code-server does behind the agent) and one on
/// TCP, behind one forwarder: <c>/unix-a</c> and <c>/unix-b</c> go to the sockets, <c>/ide</c> to TCP, and
/// <c>/unix-dead</c> to a socket path where nothing listens.
/// </summary>
public sealed class UnixSocketFixture : IAsyncLifetime
{
    // Short: a Unix socket's path has at most 107 bytes.
    private readonly string _directory = Directory.CreateTempSubdirectory("zlh-fwd-").FullName;

    public Upstream A { get; private set; } = null!;
    public Upstream B { get; private set; } = null!;
    public Upstream Tcp { get; private set; } = null!;
    public ForwarderHost Forwarder { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        A = await Upstream.StartAsync(Path.Combine(_directory, "a.sock"), "a");
        B = await Upstream.StartAsync(Path.Combine(_directory, "b.sock"), "b");
        Tcp = await Upstream.StartAsync();
        Forwarder = await ForwarderHost.StartAsync(Tcp.BaseAddress, new Dictionary<string, string>
        {
            ["/unix-a"] = A.UnixSocket!,
            ["/unix-b"] = B.UnixSocket!,
            ["/unix-dead"] = Path.Combine(_directory, "nobody-listens.sock"),
        });
    }

    public HttpClient Client() => new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = Forwarder.Http1 };

    public async Task DisposeAsync()
    {
        await Forwarder.DisposeAsync();
        await A.DisposeAsync();
        await B.DisposeAsync();
        await Tcp.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}

/// <summary>The forwarder to a next hop on a Unix domain socket: the same HTTP, streaming and WebSockets as over TCP.</summary>
public sealed class UnixSocketForwardingTests(UnixSocketFixture fixture) : IClassFixture<UnixSocketFixture>, IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly HttpClient _client = fixture.Client();
    private readonly HttpMessageInvoker _http2 = new(new SocketsHttpHandler());

    public void Dispose()
    {
        _client.Dispose();
        _http2.Dispose();
    }

    [Fact]
    public async Task ARequestReachesTheSocketWithThePublicHostTheStrippedPathAndTheForwardedHeaders()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/unix-a/echo/a%20b?x=1&token=secret");
        request.Headers.TryAddWithoutValidation("Cookie", $"{ForwarderHost.OurCookie}=ours; vscode-tkn=theirs");
        var echoed = (await (await _client.SendAsync(request)).Content.ReadFromJsonAsync<EchoedRequest>())!;

        Assert.Equal(("a", "unix"), (echoed.Upstream, echoed.Transport));
        Assert.Equal(("/echo/a b", "?x=1", "HTTP/1.1"), (echoed.Path, echoed.Query, echoed.Protocol));
        var publicHost = fixture.Forwarder.Http1.Authority;
        var h = echoed.Headers;
        Assert.Equal(publicHost, h["Host"]);   // not the socket's synthetic authority
        Assert.Equal((publicHost, "http", "/unix-a"), (h["X-Forwarded-Host"], h["X-Forwarded-Proto"], h["X-Forwarded-Prefix"]));
        Assert.Equal("127.0.0.1", h["X-Forwarded-For"]);
        Assert.Equal($"Bearer {ForwarderHost.NextHopToken}", h["Authorization"]);
        Assert.Equal("vscode-tkn=theirs", h["Cookie"]);
    }

    [Fact]
    public async Task PooledConnectionsNeverMixSocketsOrASocketAndTcp()
    {
        // Interleaved on one client of the forwarder (so on its pooled connections): each answer comes from its own upstream.
        for (var round = 0; round < 5; round++)
            foreach (var (prefix, name, transport) in new[] { ("/unix-a", "a", "unix"), ("/unix-b", "b", "unix"), ("/ide", "tcp", "tcp") })
            {
                var echoed = (await _client.GetFromJsonAsync<EchoedRequest>($"{prefix}/echo/{round}"))!;
                Assert.Equal((name, transport, $"/echo/{round}"), (echoed.Upstream, echoed.Transport, echoed.Path));
            }
    }

    [Fact]
    public async Task TheResponseStreamsBeforeTheUpstreamHasFinishedIt()
    {
        var id = Guid.NewGuid().ToString();
        using var response = await _client.GetAsync($"/unix-a/gated?id={id}", HttpCompletionOption.ResponseHeadersRead);
        var body = await response.Content.ReadAsStreamAsync();
        var first = new byte[6];
        await body.ReadExactlyAsync(first).AsTask().WaitAsync(Patience);
        Assert.Equal("first;", Encoding.ASCII.GetString(first));

        fixture.A.Gates.GetOrAdd(id, _ => new TaskCompletionSource()).SetResult();
        Assert.Equal("rest", await new StreamReader(body).ReadToEndAsync().WaitAsync(Patience));
    }

    [Fact]
    public async Task TheRequestBodyStreamsBeforeTheClientHasFinishedIt()
    {
        var id = Guid.NewGuid().ToString();
        var arrived = fixture.B.FirstBytes.GetOrAdd(id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        var response = await _client.PostAsync($"/unix-b/upload-gated?id={id}", new GatedContent(arrived.Task.WaitAsync(Patience)));
        Assert.Equal(2 * GatedContent.Part, (await response.Content.ReadFromJsonAsync<UploadReceipt>())!.Length);
    }

    [Fact]
    public async Task LargeBodiesPassBothWaysIntact()
    {
        var upload = RandomNumberGenerator.GetBytes(5 * 1024 * 1024);
        var receipt = (await (await _client.PostAsync("/unix-a/upload", new ByteArrayContent(upload))).Content.ReadFromJsonAsync<UploadReceipt>())!;
        Assert.Equal((upload.LongLength, Convert.ToHexString(SHA256.HashData(upload))), (receipt.Length, receipt.Sha256));

        using var response = await _client.GetAsync("/unix-a/bytes/20971520", HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[64 * 1024];
        long total = 0;
        for (int n; (n = await body.ReadAsync(buffer)) > 0;) total += n;
        Assert.Equal(20971520, total);
    }

    [Fact]
    public async Task ASocketWhereNothingListensIsA502()
    {
        var response = await _client.GetAsync("/unix-dead/");
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Request", problem.GetProperty("error").GetString());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AWebSocketTunnelsThroughTheSocketBothWaysAndCloses(bool http2)
    {
        var id = Guid.NewGuid().ToString();
        using var ws = await Connect(http2, $"/unix-a/ws?id={id}");
        Assert.Equal(http2 ? HttpStatusCode.OK : HttpStatusCode.SwitchingProtocols, ws.HttpStatusCode);

        await ws.SendAsync(Encoding.UTF8.GetBytes("hello"), WebSocketMessageType.Text, true, CancellationToken.None);
        Assert.Equal("hello", Encoding.UTF8.GetString(await Receive(ws)));
        var large = RandomNumberGenerator.GetBytes(300 * 1024);
        await ws.SendAsync(large, WebSocketMessageType.Binary, true, CancellationToken.None);
        Assert.Equal(Convert.ToHexString(large), Convert.ToHexString(await Receive(ws)));

        await ws.CloseAsync((WebSocketCloseStatus)4001, "client-bye", CancellationToken.None).WaitAsync(Patience);
        Assert.Equal("4001 client-bye", await fixture.A.WebSocketEnds[id].Task.WaitAsync(Patience));
        Assert.Equal(WebSocketState.Closed, ws.State);
    }

    [Fact]
    public async Task TheSocketUpstreamSeesThePublicHostSoAForeignOriginIsRefused()
    {
        using var ws = new ClientWebSocket();
        ws.Options.CollectHttpResponseDetails = true;
        ws.Options.SetRequestHeader("Origin", "http://evil.example");
        await Assert.ThrowsAsync<WebSocketException>(() =>
            ws.ConnectAsync(new Uri($"ws://{fixture.Forwarder.Http1.Authority}/unix-b/ws?id=x"), CancellationToken.None));
        Assert.Equal(HttpStatusCode.Forbidden, ws.HttpStatusCode);
    }

    private async Task<ClientWebSocket> Connect(bool http2, string pathAndQuery)
    {
        var ws = new ClientWebSocket();
        ws.Options.CollectHttpResponseDetails = true;
        var forwarder = http2 ? fixture.Forwarder.Http2 : fixture.Forwarder.Http1;
        ws.Options.SetRequestHeader("Origin", $"http://{forwarder.Authority}");
        if (http2)
        {
            ws.Options.HttpVersion = HttpVersion.Version20;
            ws.Options.HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact;
        }
        await ws.ConnectAsync(new Uri($"ws://{forwarder.Authority}{pathAndQuery}"), http2 ? _http2 : null, CancellationToken.None).WaitAsync(Patience);
        return ws;
    }

    private static async Task<byte[]> Receive(ClientWebSocket ws)
    {
        using var message = new MemoryStream();
        var buffer = new byte[16 * 1024];
        ValueWebSocketReceiveResult result;
        do
        {
            result = await ws.ReceiveAsync(buffer.AsMemory(), CancellationToken.None).AsTask().WaitAsync(Patience);
            message.Write(buffer, 0, result.Count);
        } while (!result.EndOfMessage);
        return message.ToArray();
    }

    /// <summary>Sends one part, waits until the upstream has it, then sends the second.</summary>
    private sealed class GatedContent(Task firstPartArrived) : HttpContent
    {
        public const int Part = 64 * 1024;

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(new byte[Part]);
            await stream.FlushAsync();
            await firstPartArrived;
            await stream.WriteAsync(new byte[Part]);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }
}
