using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace ZeroLagHub.Api.Tests.Ide.Hop;

public sealed class HttpForwardingTests(HopFixture fixture) : IClassFixture<HopFixture>
{
    private readonly HttpClient _client = fixture.Client();

    [Fact]
    public async Task ThePrefixIsStrippedAndTheQueryKept()
    {
        var echoed = await _client.GetFromJsonAsync<EchoedRequest>("/ide/echo/a%20b/c?x=1&y=two%2Fthree");
        Assert.Equal(("/echo/a b/c", "?x=1&y=two%2Fthree", "GET"), (echoed!.Path, echoed.Query, echoed.Method));
    }

    [Fact]
    public async Task TheBarePrefixRedirectsBeneathItselfKeepingTheQuery()
    {
        var response = await _client.GetAsync("/ide?folder=/home/dev/workspace");
        Assert.Equal(HttpStatusCode.TemporaryRedirect, response.StatusCode);
        Assert.Equal("ide/?folder=/home/dev/workspace", response.Headers.Location!.OriginalString);
        // Resolved the way a browser resolves it: beneath the prefix, whatever came before it.
        Assert.Equal("/api/dev/x/ide/", new Uri(new Uri("http://h/api/dev/x/ide"), response.Headers.Location).AbsolutePath);
    }

    [Fact]
    public async Task ThePrefixWithASlashIsTheNextHopsRoot()
    {
        var echoed = await _client.GetFromJsonAsync<EchoedRequest>("/ide/?folder=%2Fw");
        Assert.Equal(("/", "?folder=%2Fw"), (echoed!.Path, echoed.Query));
    }

    [Fact]
    public async Task HopByHopHeadersOurCredentialsAndSpoofedForwardedHeadersDoNotReachTheNextHop()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/ide/echo/headers?token=secret-ide-token&x=1");
        request.Headers.TryAddWithoutValidation("Connection", "X-Client-Hop");
        request.Headers.TryAddWithoutValidation("X-Client-Hop", "named by Connection");
        request.Headers.TryAddWithoutValidation("Keep-Alive", "timeout=5");
        request.Headers.TryAddWithoutValidation("TE", "trailers");
        request.Headers.TryAddWithoutValidation("Proxy-Authorization", "Basic cHJveHk6cHJveHk=");
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", "203.0.113.66");
        request.Headers.TryAddWithoutValidation("X-Forwarded-Host", "evil.example");
        request.Headers.TryAddWithoutValidation("X-End-To-End", "kept");
        request.Headers.TryAddWithoutValidation("Cookie", $"{HopHost.OurCookie}=ours; vscode-tkn=theirs");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer the-users-api-token");

        var echoed = (await (await _client.SendAsync(request)).Content.ReadFromJsonAsync<EchoedRequest>())!;
        var h = echoed.Headers;
        foreach (var gone in new[] { "X-Client-Hop", "Keep-Alive", "TE", "Proxy-Authorization" }) Assert.False(h.ContainsKey(gone), gone);
        var publicHost = fixture.Hop.Http1.Authority;
        Assert.Equal(publicHost, h["Host"]);
        Assert.Equal("kept", h["X-End-To-End"]);
        Assert.Equal("vscode-tkn=theirs", h["Cookie"]);
        Assert.Equal($"Bearer {HopHost.AgentToken}", h["Authorization"]);
        Assert.Equal("?x=1", echoed.Query);
        Assert.Equal(("127.0.0.1", publicHost, "http", "/ide"), (h["X-Forwarded-For"], h["X-Forwarded-Host"], h["X-Forwarded-Proto"], h["X-Forwarded-Prefix"]));
    }

    [Fact]
    public async Task HopByHopResponseHeadersAreRemovedEndToEndOnesKept()
    {
        var response = await _client.GetAsync("/ide/hop-headers");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("X-Hop-Secret"));
        Assert.False(response.Headers.Contains("Keep-Alive"));
        Assert.Equal("end-to-end", response.Headers.GetValues("X-Kept").Single());
        Assert.Equal("ok", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task RedirectsAreReturnedToTheClientNotFollowed()
    {
        var response = await _client.GetAsync("/ide/redirect");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/elsewhere", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task AnEmptyErrorFromTheNextHopIsNotReplacedByOurErrorPage()
    {
        var response = await _client.GetAsync("/ide/empty-404");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AnUnreachableNextHopIsA502Problem()
    {
        var response = await _client.GetAsync("/dead/anything");
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Request", problem.GetProperty("error").GetString());
        Assert.Contains("the stand-in agent", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task ANextHopThatDoesNotAnswerInTimeIsA504Problem()
    {
        var response = await _client.GetAsync("/impatient/slow");
        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("RequestTimedOut", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
    }

    [Fact]
    public async Task ARequestBodyArrivesWhole()
    {
        var body = new byte[8 * 1024 * 1024 + 17];
        Random.Shared.NextBytes(body);
        var response = await _client.PostAsync("/ide/upload", new ByteArrayContent(body));
        var receipt = (await response.Content.ReadFromJsonAsync<UploadReceipt>())!;
        Assert.Equal((body.LongLength, Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(body))), (receipt.Length, receipt.Sha256));
    }

    [Fact]
    public async Task AnHttp2ClientIsForwardedAsHttp11WithItsAuthorityAsHost()
    {
        using var h2 = new HttpClient { BaseAddress = fixture.Hop.Http2, DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        var response = await h2.PostAsync("/ide/echo/h2?q=1", new StringContent("twelve bytes"));
        Assert.Equal(HttpVersion.Version20, response.Version);
        var echoed = (await response.Content.ReadFromJsonAsync<EchoedRequest>())!;
        Assert.Equal(("HTTP/1.1", "POST", "?q=1", 12L), (echoed.Protocol, echoed.Method, echoed.Query, echoed.BodyLength));
        Assert.Equal(fixture.Hop.Http2.Authority, echoed.Headers["Host"]);
    }
}
