using System.Net;
using System.Net.WebSockets;
using System.Text;

namespace ZeroLagHub.Api.Tests.Ide.Hop;

/// <summary>
/// WebSockets through the forwarder, from an HTTP/1.1 client (Upgrade) and an HTTP/2 client (extended
/// CONNECT, as browsers use over HTTPS); the upstream always sees an HTTP/1.1 upgrade.
/// </summary>
public sealed class WebSocketForwardingTests(HopFixture fixture) : IClassFixture<HopFixture>, IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    // One HTTP/2 connection for the class's sockets, as a browser multiplexes a page's WebSockets.
    private readonly HttpMessageInvoker _http2 = new(new SocketsHttpHandler());

    public void Dispose() => _http2.Dispose();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task FramesPassBothWaysUnchanged(bool http2)
    {
        using var ws = await Connect(http2, Guid.NewGuid().ToString());
        Assert.Equal(http2 ? HttpStatusCode.OK : HttpStatusCode.SwitchingProtocols, ws.HttpStatusCode);

        Assert.Equal(("hello", WebSocketMessageType.Text), await RoundTrip(ws, Encoding.UTF8.GetBytes("hello"), WebSocketMessageType.Text));
        var kilobyte = RandomNumberGeneratorBytes(1024);
        Assert.Equal(Convert.ToHexString(kilobyte), Convert.ToHexString(await RoundTripBytes(ws, kilobyte)));
        var large = RandomNumberGeneratorBytes(300 * 1024);   // several frames and several of our copy buffers
        Assert.Equal(Convert.ToHexString(large), Convert.ToHexString(await RoundTripBytes(ws, large)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AClientCloseReachesTheUpstreamAndItsReplyComesBack(bool http2)
    {
        var id = Guid.NewGuid().ToString();
        using var ws = await Connect(http2, id);
        await ws.CloseAsync((WebSocketCloseStatus)4001, "client-bye", CancellationToken.None).WaitAsync(Patience);

        Assert.Equal("4001 client-bye", await fixture.Upstream.WebSocketEnds[id].Task.WaitAsync(Patience));
        Assert.Equal((WebSocketState.Closed, (WebSocketCloseStatus)4001), (ws.State, ws.CloseStatus));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AnUpstreamCloseReachesTheClient(bool http2)
    {
        using var ws = await Connect(http2, Guid.NewGuid().ToString());
        await ws.SendAsync(Encoding.UTF8.GetBytes("server-close"), WebSocketMessageType.Text, true, CancellationToken.None);

        var result = await ws.ReceiveAsync(new byte[64], CancellationToken.None).WaitAsync(Patience);
        Assert.Equal(WebSocketMessageType.Close, result.MessageType);
        Assert.Equal(((WebSocketCloseStatus)4000, "server-bye"), (result.CloseStatus, result.CloseStatusDescription));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AClientThatVanishesClosesTheUpstreamConnection(bool http2)
    {
        var id = Guid.NewGuid().ToString();
        var ws = await Connect(http2, id);
        ws.Abort();   // no close frame: the connection (or HTTP/2 stream) just ends
        ws.Dispose();
        Assert.Equal("aborted", await fixture.Upstream.WebSocketEnds[id].Task.WaitAsync(Patience));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AnUpstreamThatVanishesClosesTheClientConnection(bool http2)
    {
        using var ws = await Connect(http2, Guid.NewGuid().ToString());
        await ws.SendAsync(Encoding.UTF8.GetBytes("server-abort"), WebSocketMessageType.Text, true, CancellationToken.None);

        // Without a close frame the client sees its connection end, not a hang.
        await Assert.ThrowsAsync<WebSocketException>(() => ws.ReceiveAsync(new byte[64], CancellationToken.None).WaitAsync(Patience));
    }

    [Fact]
    public async Task TheUpstreamSeesThePublicHostSoAForeignOriginIsStillRefused()
    {
        using var ws = new ClientWebSocket();
        ws.Options.CollectHttpResponseDetails = true;
        ws.Options.SetRequestHeader("Origin", "http://evil.example");
        await Assert.ThrowsAsync<WebSocketException>(() => ws.ConnectAsync(WebSocketUri(false, "x"), CancellationToken.None));
        Assert.Equal(HttpStatusCode.Forbidden, ws.HttpStatusCode);
    }

    [Fact]
    public async Task AWebSocketToAnUnreachableNextHopIsA502()
    {
        using var ws = new ClientWebSocket();
        ws.Options.CollectHttpResponseDetails = true;
        await Assert.ThrowsAsync<WebSocketException>(() => ws.ConnectAsync(new Uri($"ws://{fixture.Hop.Http1.Authority}/dead/ws"), CancellationToken.None));
        Assert.Equal(HttpStatusCode.BadGateway, ws.HttpStatusCode);
    }

    private async Task<ClientWebSocket> Connect(bool http2, string id)
    {
        var ws = new ClientWebSocket();
        ws.Options.CollectHttpResponseDetails = true;
        // Browsers send the page's origin; the forwarder's public host is that page's host.
        var forwarder = http2 ? fixture.Hop.Http2 : fixture.Hop.Http1;
        ws.Options.SetRequestHeader("Origin", $"http://{forwarder.Authority}");
        if (http2)
        {
            ws.Options.HttpVersion = HttpVersion.Version20;
            ws.Options.HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact;
        }
        await ws.ConnectAsync(WebSocketUri(http2, id), http2 ? _http2 : null, CancellationToken.None).WaitAsync(Patience);
        return ws;
    }

    private Uri WebSocketUri(bool http2, string id) =>
        new($"ws://{(http2 ? fixture.Hop.Http2 : fixture.Hop.Http1).Authority}/ide/ws?id={id}");

    private static async Task<(string, WebSocketMessageType)> RoundTrip(ClientWebSocket ws, byte[] message, WebSocketMessageType type)
    {
        await ws.SendAsync(message, type, true, CancellationToken.None);
        var (bytes, received) = await Receive(ws);
        return (Encoding.UTF8.GetString(bytes), received);
    }

    private static async Task<byte[]> RoundTripBytes(ClientWebSocket ws, byte[] message)
    {
        await ws.SendAsync(message, WebSocketMessageType.Binary, true, CancellationToken.None);
        var (bytes, type) = await Receive(ws);
        Assert.Equal(WebSocketMessageType.Binary, type);
        return bytes;
    }

    private static async Task<(byte[], WebSocketMessageType)> Receive(ClientWebSocket ws)
    {
        using var message = new MemoryStream();
        var buffer = new byte[16 * 1024];
        ValueWebSocketReceiveResult result;
        do
        {
            result = await ws.ReceiveAsync(buffer.AsMemory(), CancellationToken.None).AsTask().WaitAsync(Patience);
            message.Write(buffer, 0, result.Count);
        } while (!result.EndOfMessage);
        return (message.ToArray(), result.MessageType);
    }

    private static byte[] RandomNumberGeneratorBytes(int count) => System.Security.Cryptography.RandomNumberGenerator.GetBytes(count);
}
