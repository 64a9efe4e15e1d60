using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using ZeroLagHub.Domain.Agent;

namespace ZeroLagHub.Agent.Tests.Auth;

public sealed class AgentTokenTests : IDisposable
{
    private readonly Sandbox _sandbox = new();

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer wrong-token-of-some-length")]
    public async Task HealthAnswersAnyoneThatItIsUpAndNothingMore(string? authorization)
    {
        // Issue 17: the anonymous answer told any caller the container's id.
        using var agent = new AgentHost(_sandbox);
        var client = agent.Anonymous();
        if (authorization is not null) client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", authorization);
        var response = await client.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"status":"up"}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task HealthTellsTheTokenHolderWhichContainerAndInstanceAnswer()
    {
        using var agent = new AgentHost(_sandbox);
        var health = await agent.Authorized().GetFromJsonAsync<AgentHealth>("/health");
        Assert.Equal("ok", health!.Status);
        Assert.Equal(_sandbox.ContainerId, health.ContainerId);
        Assert.NotEqual(Guid.Empty, health.InstanceId);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer")]
    [InlineData("Bearer wrong-token-of-some-length")]
    [InlineData("Basic dGVzdDp0ZXN0")]
    [InlineData("Bearer test-agent-token-0123456789x")]
    public async Task EveryOtherEndpointRefusesAMissingOrWrongToken(string? authorization)
    {
        using var agent = new AgentHost(_sandbox);
        var client = agent.Anonymous();
        if (authorization is not null) client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", authorization);
        foreach (var path in new[] { "/status", "/journal", "/nope" })
        {
            var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        }
    }

    [Fact]
    public async Task TheRightTokenIsAccepted()
    {
        using var agent = new AgentHost(_sandbox);
        Assert.Equal(HttpStatusCode.OK, (await agent.Authorized().GetAsync("/status")).StatusCode);
    }

    [Fact]
    public async Task TheTokenNeverReachesTheLog()
    {
        // (System.Console: ZeroLagHub.Agent.Console is a namespace.) Console is process-wide and other test classes log at the same time: a synchronized writer.
        var log = new StringWriter();
        var synchronized = TextWriter.Synchronized(log);
        var original = System.Console.Out;
        System.Console.SetOut(synchronized);
        try
        {
            using var agent = new AgentHost(_sandbox);
            var client = agent.Anonymous();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AgentHost.Token);
            await client.GetAsync("/status");
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "a-wrong-token-123456");
            await client.GetAsync("/status");
        }
        finally
        {
            System.Console.SetOut(original);
        }
        // Loggers that picked up the writer may still be writing: read under the lock its methods take (the writer itself).
        string text;
        lock (synchronized) text = log.ToString();
        Assert.DoesNotContain(AgentHost.Token, text);
        Assert.DoesNotContain("a-wrong-token-123456", text);
    }

    public void Dispose() => _sandbox.Dispose();
}
