using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace ZeroLagHub.Agent.Tests.Ide;

/// <summary>
/// The agent's hop: <c>/ide/**</c> with the agent token → code-server (a stand-in) on its Unix socket, through
/// the agent's own name for it, <c>&lt;DataDir&gt;/run/ide/code-server.sock</c> by default (where the supervisor
/// links code-server's socket once it has checked its listener: here the stand-in binds it directly). The stand-in has no TCP port, so every
/// answer from it has come over the socket.
/// </summary>
public sealed class IdeForwardingTests : IAsyncLifetime
{
    private readonly Sandbox _sandbox = new();
    private CodeServerStandIn _codeServer = null!;
    private AgentHost _agent = null!;

    public async Task InitializeAsync()
    {
        _codeServer = await CodeServerStandIn.StartAsync(_sandbox.Path("var/lib/zlh-agent/run/ide/code-server.sock"));
        _agent = new AgentHost(_sandbox);
    }

    [Fact]
    public async Task WithoutTheAgentTokenNothingReachesCodeServer()
    {
        using var anonymous = _agent.Anonymous();
        var response = await anonymous.GetAsync("/ide/");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);

        using var ws = new ClientWebSocket();
        ws.Options.CollectHttpResponseDetails = true;
        ws.Options.SetRequestHeader("Origin", $"http://{AgentAuthority}");
        await Assert.ThrowsAsync<WebSocketException>(() => ws.ConnectAsync(new Uri($"ws://{AgentAuthority}/ide/stable/ws"), CancellationToken.None));
        Assert.Equal(HttpStatusCode.Unauthorized, ws.HttpStatusCode);
        Assert.Empty(_codeServer.Paths);
    }

    [Fact]
    public async Task CodeServerSeesTheRestOfThePathTheQueryAndTheBrowsersHostButNotTheAgentToken()
    {
        using var client = _agent.Authorized();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/ide/stable-abc/static/out/main.js?v=1&folder=%2Fhome%2Fdev");
        // What the API sets when it forwards a browser's request (it strips /api/dev/{id} and checks ownership).
        request.Headers.TryAddWithoutValidation("X-Forwarded-Host", "portal.example.com");
        request.Headers.TryAddWithoutValidation("X-Forwarded-Proto", "https");
        request.Headers.TryAddWithoutValidation("X-Forwarded-Prefix", $"/api/dev/{_sandbox.ContainerId}");
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", "198.51.100.7");
        // A field the client declares hop-by-hop (RFC 9110 §7.6.1) stays on this hop.
        request.Headers.TryAddWithoutValidation("Connection", "X-Client-Hop");
        request.Headers.TryAddWithoutValidation("X-Client-Hop", "named by Connection");
        var seen = (await (await client.SendAsync(request)).Content.ReadFromJsonAsync<SeenRequest>())!;

        Assert.Equal(("/stable-abc/static/out/main.js", "?v=1&folder=%2Fhome%2Fdev"), (seen.Path, seen.Query));
        Assert.False(seen.Headers.ContainsKey("Authorization"));
        Assert.False(seen.Headers.ContainsKey("X-Client-Hop"));
        Assert.Equal("198.51.100.7, 127.0.0.1", seen.Headers["X-Forwarded-For"]);   // the API's address appended
        Assert.Equal(AgentAuthority, seen.Headers["Host"]);   // the public host, not the socket's
        Assert.Equal(("portal.example.com", "https", $"/api/dev/{_sandbox.ContainerId}/ide"),
            (seen.Headers["X-Forwarded-Host"], seen.Headers["X-Forwarded-Proto"], seen.Headers["X-Forwarded-Prefix"]));
    }

    [Fact]
    public async Task LargeBodiesStreamBothWaysOverTheSocketIntact()
    {
        using var client = _agent.Authorized();
        var upload = System.Security.Cryptography.RandomNumberGenerator.GetBytes(5 * 1024 * 1024 + 17);
        var receipt = (await (await client.PostAsync("/ide/upload", new ByteArrayContent(upload))).Content.ReadFromJsonAsync<UploadReceipt>())!;
        Assert.Equal((upload.LongLength, Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(upload))), (receipt.Length, receipt.Sha256));

        using var response = await client.GetAsync("/ide/bytes/20971520", HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[64 * 1024];
        long total = 0;
        for (int n; (n = await body.ReadAsync(buffer)) > 0;) total += n;
        Assert.Equal(20971520, total);
    }

    [Fact]
    public async Task TheBareIdePathRedirectsBeneathItself()
    {
        using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri($"http://{AgentAuthority}") };
        client.DefaultRequestHeaders.Authorization = new("Bearer", AgentHost.Token);
        var response = await client.GetAsync("/ide?folder=/home/dev/workspace");
        Assert.Equal(HttpStatusCode.TemporaryRedirect, response.StatusCode);
        Assert.Equal("ide/?folder=/home/dev/workspace", response.Headers.Location!.OriginalString);
        Assert.Empty(_codeServer.Paths);

        var seen = (await (await client.GetAsync("/ide/?folder=/home/dev/workspace")).Content.ReadFromJsonAsync<SeenRequest>())!;
        Assert.Equal(("/", "?folder=/home/dev/workspace"), (seen.Path, seen.Query));
    }

    [Fact]
    public async Task AWebSocketWithTheAgentTokenReachesCodeServerAndEchoes()
    {
        using var ws = new ClientWebSocket();
        ws.Options.SetRequestHeader("Authorization", $"Bearer {AgentHost.Token}");
        ws.Options.SetRequestHeader("Origin", $"http://{AgentAuthority}");
        await ws.ConnectAsync(new Uri($"ws://{AgentAuthority}/ide/stable/ws?reconnectionToken=r1"), CancellationToken.None);

        await ws.SendAsync(Encoding.UTF8.GetBytes("ls -la"), WebSocketMessageType.Text, true, CancellationToken.None);
        var buffer = new byte[1024];
        var result = await ws.ReceiveAsync(buffer, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal("ls -la", Encoding.UTF8.GetString(buffer, 0, result.Count));

        await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(WebSocketState.Closed, ws.State);
    }

    [Fact]
    public async Task WhenCodeServerIsNotListeningTheAnswerIsA502NamingIt()
    {
        using var sandbox = new Sandbox();
        await using var agent = new AgentHost(sandbox);
        using var client = agent.Authorized();
        var response = await client.GetAsync("/ide/");
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("code-server", problem.GetProperty("detail").GetString());

        // A socket bound but not listening (what a killed code-server leaves) is the same 502.
        var path = sandbox.Path("var/lib/zlh-agent/run/ide/code-server.sock");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var stale = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        stale.Bind(new UnixDomainSocketEndPoint(path));
        Assert.Equal(HttpStatusCode.BadGateway, (await client.GetAsync("/ide/")).StatusCode);
    }

    [Fact]
    public async Task TheHopFollowsTheConfiguredRunDir()
    {
        using var sandbox = new Sandbox();
        var runDir = sandbox.Path("r");
        await using var standIn = await CodeServerStandIn.StartAsync(Path.Combine(runDir, "ide", "code-server.sock"));
        await using var agent = new AgentHost(sandbox, new Dictionary<string, string> { ["RunDir"] = runDir });
        using var client = agent.Authorized();
        var seen = (await (await client.GetAsync("/ide/x")).Content.ReadFromJsonAsync<SeenRequest>())!;
        Assert.Equal("/x", seen.Path);
    }

    private string AgentAuthority => _agent.Anonymous().BaseAddress!.Authority;

    public async Task DisposeAsync()
    {
        _agent.Dispose();
        await _codeServer.DisposeAsync();
        _sandbox.Dispose();
    }
}
