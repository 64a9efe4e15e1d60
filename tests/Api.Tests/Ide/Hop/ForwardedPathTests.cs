using Microsoft.AspNetCore.Http;
using ZeroLagHub.Api.Ide.Hop;

namespace ZeroLagHub.Api.Tests.Ide.Hop;

public sealed class ForwardedPathTests
{
    [Theory]
    [InlineData("/ide/a/b", "/ide", "/a/b")]
    [InlineData("/ide/", "/ide", "/")]
    [InlineData("/api/dev/7f1c/ide/x", "/api/dev/7f1c", "/ide/x")]
    public void APathBeneathThePrefixLosesIt(string path, string prefix, string expected)
    {
        Assert.True(ForwardedPath.TryStrip(path, prefix, out var rest));
        Assert.Equal(expected, rest.Value);
    }

    [Theory]
    [InlineData("/ide", "/ide")]          // the bare prefix: redirected, not forwarded
    [InlineData("/ideas/x", "/ide")]      // a longer segment is not beneath the prefix
    [InlineData("/other", "/ide")]
    public void APathNotBeneathThePrefixIsNotStripped(string path, string prefix) =>
        Assert.False(ForwardedPath.TryStrip(path, prefix, out _));
}
