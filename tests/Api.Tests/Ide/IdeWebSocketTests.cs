using System.Net;
using System.Net.WebSockets;
using System.Text;

namespace ZeroLagHub.Api.Tests.Ide;

/// <summary>
/// WebSockets through both hops (API → agent → the demo code-server's echo), authenticated as a browser
/// does: the token in the URL, or the session cookie.
/// </summary>
public sealed class IdeWebSocketTests(DevContainersFixture api) : IClassFixture<DevContainersFixture>
{
    [Fact]
    public async Task AWebSocketWithATokenReachesCodeServerWithThePublicHostAndPrefixAndEchoes()
    {
        var (a, _) = await api.ContainersAsync();
        var token = await api.IdeTokenAsync(a);
        using var socket = new ClientWebSocket();

        await socket.ConnectAsync(SocketUri($"/api/dev/{a}/ide/stable-1/socket?reconnection=false&token={Uri.EscapeDataString(token)}"), default);

        var publicHost = SocketUri("/").Authority;
        Assert.Equal($"host={publicHost} prefix=/api/dev/{a}/ide", await ReceiveTextAsync(socket));
        await socket.SendAsync(Encoding.UTF8.GetBytes("hello through two hops"), WebSocketMessageType.Text, true, default);
        Assert.Equal("hello through two hops", await ReceiveTextAsync(socket));
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", default);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, socket.CloseStatus);
    }

    [Fact]
    public async Task AWebSocketWithTheSessionCookieIsAdmittedAndWithoutOneRefused()
    {
        var (a, b) = await api.ContainersAsync();
        using var browser = api.CreateBareClient();
        var cookie = await browser.OpenWithTokenAsync(a, await api.IdeTokenAsync(a));

        using (var socket = new ClientWebSocket())
        {
            socket.Options.SetRequestHeader("Cookie", cookie);
            await socket.ConnectAsync(SocketUri($"/api/dev/{a}/ide/socket"), default);
            Assert.StartsWith("host=", await ReceiveTextAsync(socket));
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await RefusedAsync($"/api/dev/{a}/ide/socket", cookie: null));
        Assert.Equal(HttpStatusCode.Forbidden, await RefusedAsync($"/api/dev/{b}/ide/socket", cookie));
    }

    [Fact]
    public async Task ACookieWebSocketOpenedByAnotherSitesPageIs403AndByTheIdesOwnIsAdmitted()
    {
        var (a, _) = await api.ContainersAsync();
        using var browser = api.CreateBareClient();
        var cookie = await browser.OpenWithTokenAsync(a, await api.IdeTokenAsync(a));

        Assert.Equal(HttpStatusCode.Forbidden, await RefusedAsync($"/api/dev/{a}/ide/socket", cookie, origin: "https://evil.example"));
        // The IDE's own host on another port is another origin too.
        var own = new UriBuilder(browser.BaseAddress!) { Path = "" }.Uri;
        Assert.Equal(HttpStatusCode.Forbidden, await RefusedAsync($"/api/dev/{a}/ide/socket", cookie, origin: $"http://{own.Host}:{own.Port + 1}"));

        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Cookie", cookie);
        socket.Options.SetRequestHeader("Origin", $"http://{own.Authority}");
        await socket.ConnectAsync(SocketUri($"/api/dev/{a}/ide/socket"), default);
        Assert.StartsWith("host=", await ReceiveTextAsync(socket));
    }

    [Fact]
    public async Task KestrelNamesNoServerAndTheIdeTokenAnswerIsNotStored()
    {
        var (a, _) = await api.ContainersAsync();
        using var client = api.CreateBareClientAs();

        var response = await client.PostAsync($"/api/dev/{a}/ide-token", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Server"));
        Assert.True(response.Headers.CacheControl?.NoStore);
    }

    private Uri SocketUri(string pathAndQuery)
    {
        using var client = api.CreateBareClient();
        return new Uri(new UriBuilder(client.BaseAddress!) { Scheme = "ws" }.Uri, pathAndQuery);
    }

    private async Task<HttpStatusCode> RefusedAsync(string path, string? cookie, string? origin = null)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        if (cookie is not null) socket.Options.SetRequestHeader("Cookie", cookie);
        if (origin is not null) socket.Options.SetRequestHeader("Origin", origin);
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(SocketUri(path), default));
        return socket.HttpStatusCode;
    }

    private static async Task<string> ReceiveTextAsync(WebSocket socket)
    {
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var received = await socket.ReceiveAsync(buffer, timeout.Token);
        Assert.Equal(WebSocketMessageType.Text, received.MessageType);
        return Encoding.UTF8.GetString(buffer, 0, received.Count);
    }
}
