namespace ZeroLagHub.Forwarding.Tests;

public sealed class RequestTransformsTests
{
    [Fact]
    public void OnlyTheNamedCookiesAreRemoved()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://h/");
        request.Headers.TryAddWithoutValidation("Cookie", "zlh_ide_session=a; vscode-tkn=b;zlh_other=c");
        RequestTransforms.RemoveCookies(request, "zlh_ide_session");
        Assert.Equal("vscode-tkn=b; zlh_other=c", string.Join("; ", request.Headers.GetValues("Cookie")));

        RequestTransforms.RemoveCookies(request, "vscode-tkn", "zlh_other");
        Assert.False(request.Headers.Contains("Cookie"));
    }

    [Theory]
    [InlineData("http://h/p?token=abc&x=1&y=a%2Fb", "http://h/p?x=1&y=a%2Fb")]
    [InlineData("http://h/p?x=1&token=abc", "http://h/p?x=1")]
    [InlineData("http://h/p?token=abc", "http://h/p")]
    [InlineData("http://h/p?tokens=keep", "http://h/p?tokens=keep")]
    public void TheTokenParameterIsRemovedAndTheRestKeptAsSent(string before, string after)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, before);
        RequestTransforms.RemoveQueryParameter(request, "token");
        Assert.Equal(after, request.RequestUri!.OriginalString);
    }

    [Fact]
    public void TheNextHopsBearerReplacesTheClients()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://h/");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer users-token");
        RequestTransforms.SetBearer(request, "agent-token");
        Assert.Equal("Bearer agent-token", request.Headers.Authorization!.ToString());
    }
}
