using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ZeroLagHub.Api.Console;
using ZeroLagHub.Api.Hosts;
using ZeroLagHub.Api.Hosts.Local;
using ZeroLagHub.Api.Tests.Audit;
using ZeroLagHub.Api.Tests.Hosts;
using ZeroLagHub.Api.Tests.Ide;

namespace ZeroLagHub.Api.Tests.Console;

/// <summary>A dev container's shell through the API's console relay, with a real agent and PTY behind it.</summary>
public sealed class ConsoleTests(DevContainersFixture api) : IClassFixture<DevContainersFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task TheShellRunsACommandThroughTheApiWithAConsoleToken()
    {
        var (a, _) = await api.ContainersAsync();
        var url = await ConsoleUrlAsync(a);

        using var socket = await ConnectAsync(url);
        await socket.SendAsync(Encoding.UTF8.GetBytes("echo zlh-$((6*7))\r"), WebSocketMessageType.Binary, true, default);

        Assert.Contains("zlh-42", await ReadUntilAsync(socket, "zlh-42"));
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", default);
    }

    [Fact]
    public async Task AnOpenedConsoleIsInTheCommandLogWithWhoWhichContainerWhenAndFromWhere()
    {
        var (_, b) = await api.ContainersAsync();
        var before = DateTimeOffset.UtcNow.AddMinutes(-1);
        using (var socket = await ConnectAsync(await ConsoleUrlAsync(b)))
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", default);

        var opened = (await CommandLog.ReadAsync(api, $"container={b}")).Where(r => r.GetProperty("command").GetString() == "OpenConsole").ToList();

        Assert.NotEmpty(opened);
        Assert.All(opened, row =>
        {
            Assert.Equal(api.Owner, row.GetProperty("userId").GetGuid());
            Assert.Equal("console shell", row.GetProperty("target").GetString());
            Assert.Equal("accepted", row.GetProperty("outcome").GetString());
            Assert.Equal("127.0.0.1", row.GetProperty("clientIp").GetString());
            Assert.True(row.GetProperty("at").GetDateTimeOffset() > before);
        });
    }

    [Fact]
    public async Task AnAccessTokenInTheHeaderOpensTheConsoleToo()
    {
        var (a, _) = await api.ContainersAsync();
        using var owner = api.CreateBareClientAs();

        using var socket = await ConnectAsync($"/api/servers/{a}/console?kind=shell", owner.DefaultRequestHeaders.Authorization!.Parameter);
        await socket.SendAsync(Encoding.UTF8.GetBytes("echo via-$((40+2))\r"), WebSocketMessageType.Binary, true, default);

        Assert.Contains("via-42", await ReadUntilAsync(socket, "via-42"));
    }

    [Fact]
    public async Task AConsoleTokenOpensOneConsoleOnceAndNothingElse()
    {
        var (a, b) = await api.ContainersAsync();
        var url = await ConsoleUrlAsync(a);
        var token = url[(url.IndexOf("token=", StringComparison.Ordinal) + 6)..];
        using var client = api.CreateBareClient();

        Assert.Equal(HttpStatusCode.Forbidden, await RefusedAsync($"/api/servers/{b}/console?kind=shell&token={token}"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetWithBearerAsync("/api/servers", Uri.UnescapeDataString(token))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync($"/api/dev/{a}/ide/?token={token}")).StatusCode);
        using (await ConnectAsync(url)) { }
        Assert.Equal(HttpStatusCode.Unauthorized, await RefusedAsync(url));
        var ideToken = await api.IdeTokenAsync(a);
        Assert.Equal(HttpStatusCode.Unauthorized, await RefusedAsync($"/api/servers/{a}/console?kind=shell&token={Uri.EscapeDataString(ideToken)}"));
        Assert.Equal(HttpStatusCode.Unauthorized, await RefusedAsync($"/api/servers/{a}/console?kind=shell"));
        Assert.Equal(HttpStatusCode.BadRequest, await RefusedAsync($"/api/servers/{a}/console?kind=root"));
    }

    [Fact]
    public async Task AnotherUsersConsoleIsNotFound()
    {
        var (a, _) = await api.ContainersAsync();
        using var stranger = api.CreateBareClientAs(Guid.NewGuid());

        Assert.Equal(HttpStatusCode.NotFound, (await stranger.PostAsync($"/api/servers/{a}/console-token", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound,
            await RefusedAsync($"/api/servers/{a}/console?kind=shell", stranger.DefaultRequestHeaders.Authorization!.Parameter));
    }

    [Fact]
    public async Task WhenTheAgentIsKilledTheClientGetsACloseWithAReason()
    {
        var (_, b) = await api.ContainersAsync();
        using var socket = await ConnectAsync(await ConsoleUrlAsync(b));
        await socket.SendAsync(Encoding.UTF8.GetBytes("echo before-kill\r"), WebSocketMessageType.Binary, true, default);
        await ReadUntilAsync(socket, "before-kill");
        var store = api.Services.GetRequiredService<LocalContainerStore>();
        var pid = LocalContainerProbe.Agent(store.Find(b))!.Pid;
        try
        {
            System.Diagnostics.Process.GetProcessById(pid).Kill();

            var closed = await ReadToCloseAsync(socket);

            Assert.Equal(ConsoleRelay.ServiceRestart, closed.CloseStatus);
            Assert.Equal(ConsoleRelay.AgentGoneReason, closed.CloseStatusDescription);
        }
        finally
        {
            await api.Host.StartAsync(b, new StageLog(), default); // the other tests share this container
        }
    }

    private async Task<string> ConsoleUrlAsync(Guid container)
    {
        using var owner = api.CreateBareClientAs();
        var response = await owner.PostAsync($"/api/servers/{container}/console-token", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("url").GetString()!;
    }

    private Uri WebSocketUri(string pathAndQuery)
    {
        using var client = api.CreateBareClient();
        var http = client.BaseAddress!;
        return new Uri(new UriBuilder(http) { Scheme = "ws" }.Uri, pathAndQuery);
    }

    private async Task<ClientWebSocket> ConnectAsync(string pathAndQuery, string? bearer = null)
    {
        var socket = new ClientWebSocket();
        if (bearer is not null) socket.Options.SetRequestHeader("Authorization", "Bearer " + bearer);
        using var timeout = new CancellationTokenSource(Patience);
        await socket.ConnectAsync(WebSocketUri(pathAndQuery), timeout.Token);
        return socket;
    }

    /// <summary>The HTTP status that refused the handshake.</summary>
    private async Task<HttpStatusCode> RefusedAsync(string pathAndQuery, string? bearer = null)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        if (bearer is not null) socket.Options.SetRequestHeader("Authorization", "Bearer " + bearer);
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(WebSocketUri(pathAndQuery), default));
        return socket.HttpStatusCode;
    }

    private static async Task<string> ReadUntilAsync(WebSocket socket, string expected)
    {
        var seen = new StringBuilder();
        var buffer = new byte[16 * 1024];
        using var timeout = new CancellationTokenSource(Patience);
        while (!seen.ToString().Contains(expected, StringComparison.Ordinal))
        {
            var received = await socket.ReceiveAsync(buffer, timeout.Token);
            if (received.MessageType == WebSocketMessageType.Close) throw new InvalidOperationException($"closed before '{expected}': {seen}");
            if (received.MessageType == WebSocketMessageType.Binary) seen.Append(Encoding.UTF8.GetString(buffer, 0, received.Count));
        }
        return seen.ToString();
    }

    private static async Task<WebSocketReceiveResult> ReadToCloseAsync(WebSocket socket)
    {
        var buffer = new byte[16 * 1024];
        using var timeout = new CancellationTokenSource(Patience);
        while (true)
        {
            var received = await socket.ReceiveAsync(buffer, timeout.Token);
            if (received.MessageType == WebSocketMessageType.Close) return received;
        }
    }
}
