using System.Text;
using Microsoft.AspNetCore.Http;
using ZeroLagHub.Api.Idempotency;

namespace ZeroLagHub.Api.Tests.Idempotency;

/// <summary>Which requests count as the same request for an <c>Idempotency-Key</c>.</summary>
public sealed class RequestFingerprintTests
{
    [Fact]
    public async Task TheSameJsonSerialisedAnotherWayIsTheSameRequest()
    {
        var first = await FingerprintAsync("POST", "/api/servers", """{"kind":"dev","name":"a","addons":["x","y"]}""");
        var again = await FingerprintAsync("POST", "/api/servers", "{ \"name\": \"a\",\n \"addons\": [ \"x\", \"y\" ], \"kind\": \"dev\" }");
        Assert.Equal(first.Hash, again.Hash);
    }

    [Theory]
    [InlineData("POST", "/api/servers", """{"kind":"dev","name":"b","addons":["x","y"]}""")]   // another value
    [InlineData("POST", "/api/servers", """{"kind":"dev","name":"a","addons":["y","x"]}""")]   // another order in an array
    [InlineData("POST", "/api/servers", """{"kind":"dev","name":"a","addons":["x","y"],"extra":1}""")]
    [InlineData("PUT", "/api/servers", """{"kind":"dev","name":"a","addons":["x","y"]}""")]    // another method
    [InlineData("POST", "/api/servers/x", """{"kind":"dev","name":"a","addons":["x","y"]}""")] // another route
    [InlineData("POST", "/api/servers", "")]
    public async Task AnotherMethodRouteOrBodyIsAnotherRequest(string method, string path, string body)
    {
        var first = await FingerprintAsync("POST", "/api/servers", """{"kind":"dev","name":"a","addons":["x","y"]}""");
        Assert.NotEqual(first.Hash, (await FingerprintAsync(method, path, body)).Hash);
    }

    [Fact]
    public async Task ABodyThatIsNotJsonIsComparedByItsBytes()
    {
        var first = await FingerprintAsync("POST", "/api/servers", "{\"kind\": ");
        Assert.Equal(first.Hash, (await FingerprintAsync("POST", "/api/servers", "{\"kind\": ")).Hash);
        Assert.NotEqual(first.Hash, (await FingerprintAsync("POST", "/api/servers", "{\"kind\":")).Hash);
    }

    [Fact]
    public async Task ABodyTooLargeToParseIsHashedWholeAndLeftForTheEndpoint()
    {
        var large = new string('a', 3 << 20);
        var context = Context("POST", "/api/servers", large + "1");
        var first = await RequestFingerprint.OfAsync(context, default);

        Assert.Equal(first.Hash, (await FingerprintAsync("POST", "/api/servers", large + "1")).Hash);
        Assert.NotEqual(first.Hash, (await FingerprintAsync("POST", "/api/servers", large + "2")).Hash);
        using var reader = new StreamReader(context.Request.Body);
        Assert.Equal(large + "1", await reader.ReadToEndAsync());
    }

    private static Task<RequestFingerprint> FingerprintAsync(string method, string path, string body) =>
        RequestFingerprint.OfAsync(Context(method, path, body), default);

    private static DefaultHttpContext Context(string method, string path, string body)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Path = path;
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
        return context;
    }
}
