using System.Net;
using Alba;
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
        await api.Scenario(x =>
        {
            x.Get.Url(Protected);
            x.ProblemShouldBe(HttpStatusCode.Unauthorized);
            x.Header("WWW-Authenticate").SingleValueShouldMatch("^Bearer( |$)");
        });
    }

    [Fact]
    public async Task AnUnknownRouteWithoutATokenIs401NotRevealingWhichRoutesExist()
    {
        await api.Scenario(x =>
        {
            x.Get.Url("/api/nothing-here");
            x.ProblemShouldBe(HttpStatusCode.Unauthorized);
        });
    }

    [Fact]
    public async Task ATokenOfAnotherTypeIs401()
    {
        var tokens = api.Services.GetRequiredService<TokenService>();
        var ide = tokens.Issue(TokenTypes.DevIde, Guid.NewGuid().ToString(), TimeSpan.FromMinutes(5),
            new Dictionary<string, object> { [TokenClaims.Name] = "mallory", [TokenClaims.Role] = new[] { Role.Admin } });
        await Send(ide.Token, HttpStatusCode.Unauthorized, x => x.Header("WWW-Authenticate").SingleValueShouldMatch("invalid_token"));
    }

    [Fact]
    public async Task AnAccessTokenWithoutASessionIs401()
    {
        // Signed, typed and timed like a real one, but no logout could ever end it.
        var tokens = api.Services.GetRequiredService<TokenService>();
        var sessionless = tokens.Issue(TokenTypes.Access, Guid.NewGuid().ToString(), TimeSpan.FromMinutes(5),
            new Dictionary<string, object> { [TokenClaims.Name] = "someone", [TokenClaims.Role] = new[] { Role.User } });
        // With a session the same user gets past authentication (to "no such account": none was registered).
        await Send(Issue(Role.User), HttpStatusCode.NotFound);
        await Send(sessionless.Token, HttpStatusCode.Unauthorized, x => x.Header("WWW-Authenticate").SingleValueShouldMatch("invalid_token"));
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
        await Send(forged, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task AnUnsignedTokenIs401()
    {
        var parts = Issue(Role.User).Split('.');
        var none = $"{Base64UrlEncode("{\"alg\":\"none\",\"typ\":\"JWT\"}"u8.ToArray())}.{parts[1]}.";
        await Send(none, HttpStatusCode.Unauthorized);
    }

    private string Issue(params string[] roles) =>
        api.Services.GetRequiredService<AccessTokenIssuer>().Issue(Guid.NewGuid(), "someone", roles, Guid.NewGuid()).Token;

    /// <summary>GET the protected endpoint with <paramref name="token"/>, expecting <paramref name="status"/> (and <paramref name="expect"/>).</summary>
    private Task<IScenarioResult> Send(string token, HttpStatusCode status, Action<Scenario>? expect = null) =>
        api.Scenario(x =>
        {
            x.Get.Url(Protected);
            x.WithBearerToken(token);
            x.StatusCodeShouldBe(status);
            expect?.Invoke(x);
        });

    private static byte[] Base64UrlDecode(string s) => Convert.FromBase64String(
        s.Replace('-', '+').Replace('_', '/').PadRight(s.Length + (4 - s.Length % 4) % 4, '='));

    private static string Base64UrlEncode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
