using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using ZeroLagHub.Api.Auth;
using ZeroLagHub.Api.Auth.Tokens;

namespace ZeroLagHub.Api.Tests.Auth;

/// <summary>The fallback policy and the access-token handler, on an endpoint that does not opt out.</summary>
public sealed class AuthenticationTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private const string Protected = "/api/auth/me";

    [Fact]
    public async Task AnEndpointWithoutATokenIs401ProblemWithAChallenge()
    {
        var response = await api.CreateClient().GetAsync(Protected);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task AnUnknownRouteWithoutATokenIs401NotRevealingWhichRoutesExist()
    {
        var response = await api.CreateClient().GetAsync("/api/nothing-here");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task ATokenOfAnotherTypeIs401()
    {
        var tokens = api.Services.GetRequiredService<TokenService>();
        var ide = tokens.Issue(TokenTypes.DevIde, Guid.NewGuid().ToString(), TimeSpan.FromMinutes(5),
            new Dictionary<string, object> { [TokenClaims.Name] = "mallory", [TokenClaims.Role] = new[] { Role.Admin } });
        var response = await Send(ide.Token);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("invalid_token", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task AnAccessTokenWithoutASessionIs401()
    {
        // Signed, typed and timed like a real one, but no logout could ever end it.
        var tokens = api.Services.GetRequiredService<TokenService>();
        var sessionless = tokens.Issue(TokenTypes.Access, Guid.NewGuid().ToString(), TimeSpan.FromMinutes(5),
            new Dictionary<string, object> { [TokenClaims.Name] = "someone", [TokenClaims.Role] = new[] { Role.User } });
        // With a session the same user gets past authentication (to "no such account": none was registered).
        Assert.Equal(HttpStatusCode.NotFound, (await Send(Issue(Role.User))).StatusCode);
        var response = await Send(sessionless.Token);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("invalid_token", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task ATamperedTokenIs401()
    {
        var token = Issue(Role.User);
        // Swap the payload for one claiming admin, keep the signature.
        var parts = token.Split('.');
        var payload = System.Text.Encoding.UTF8.GetString(Base64UrlDecode(parts[1])).Replace("\"user\"", "\"admin\"");
        var forged = $"{parts[0]}.{Base64UrlEncode(System.Text.Encoding.UTF8.GetBytes(payload))}.{parts[2]}";
        Assert.NotEqual(token, forged);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(forged)).StatusCode);
    }

    [Fact]
    public async Task AnUnsignedTokenIs401()
    {
        var parts = Issue(Role.User).Split('.');
        var none = $"{Base64UrlEncode("{\"alg\":\"none\",\"typ\":\"JWT\"}"u8.ToArray())}.{parts[1]}.";
        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(none)).StatusCode);
    }

    private string Issue(params string[] roles) =>
        api.Services.GetRequiredService<AccessTokenIssuer>().Issue(Guid.NewGuid(), "someone", roles, Guid.NewGuid()).Token;

    private async Task<HttpResponseMessage> Send(string token)
    {
        var client = api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await client.GetAsync(Protected);
    }

    private static byte[] Base64UrlDecode(string s) => Convert.FromBase64String(
        s.Replace('-', '+').Replace('_', '/').PadRight(s.Length + (4 - s.Length % 4) % 4, '='));

    private static string Base64UrlEncode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
