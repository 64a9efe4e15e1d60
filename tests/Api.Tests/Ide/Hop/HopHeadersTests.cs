using Microsoft.AspNetCore.Http;
using ZeroLagHub.Api.Ide.Hop;

namespace ZeroLagHub.Api.Tests.Ide.Hop;

public sealed class HopHeadersTests
{
    [Fact]
    public void OnlyTheNamedCookiesAreRemoved()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://h/");
        request.Headers.TryAddWithoutValidation("Cookie", "zlh_ide=a; vscode-tkn=b;zlh_other=c");
        HopHeaders.RemoveCookies(request, "zlh_ide");
        Assert.Equal("vscode-tkn=b; zlh_other=c", string.Join("; ", request.Headers.GetValues("Cookie")));

        HopHeaders.RemoveCookies(request, "vscode-tkn", "zlh_other");
        Assert.False(request.Headers.Contains("Cookie"));
    }

    [Theory]
    [InlineData("?token=abc&x=1&y=a%2Fb", "?x=1&y=a%2Fb")]
    [InlineData("?x=1&token=abc", "?x=1")]
    [InlineData("?token=abc", "")]
    [InlineData("?to%6Ben=abc&x=1", "?x=1")]      // the name as the agent would decode it
    [InlineData("?tokens=keep", "?tokens=keep")]
    [InlineData("", "")]
    public void TheTokenParameterIsRemovedAndTheRestKeptAsSent(string before, string after) =>
        Assert.Equal(after, HopHeaders.WithoutParameter(new QueryString(before.Length > 0 ? before : null), "token").ToUriComponent());
}
