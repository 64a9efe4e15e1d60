using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ZeroLagHub.Api.Agents.Polling;
using ZeroLagHub.Api.Status;
using ZeroLagHub.Api.ReadModels;

namespace ZeroLagHub.Api.Tests.Hosting;

/// <summary>
/// The API's log as <c>./zlh.sh up</c> shows it (appsettings.json, as shipped): no line per HTTP request of the
/// agent poller or per step of Redis' handshake, its own warnings and state changes kept; and no start-up warning
/// about a table that a later start-up step creates.
/// </summary>
public sealed class ReadableLogTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Theory]
    [InlineData("System.Net.Http.HttpClient.agent-poller.ClientHandler")]
    [InlineData("System.Net.Http.HttpClient.agent-poller.LogicalHandler")]
    [InlineData("System.Net.Http.HttpClient.local-agents.ClientHandler")]
    [InlineData("StackExchange.Redis.ConnectionMultiplexer")]
    [InlineData("Marten.IDocumentStore")]
    public void PerRequestAndHandshakeLinesAreOffButTheirWarningsStay(string category)
    {
        var log = api.Services.GetRequiredService<ILoggerFactory>().CreateLogger(category);
        Assert.False(log.IsEnabled(LogLevel.Information));
        Assert.True(log.IsEnabled(LogLevel.Warning));
    }

    [Fact]
    public void ThePollersOwnStateChangesStay() =>
        Assert.True(api.Services.GetRequiredService<ILogger<AgentPoller>>().IsEnabled(LogLevel.Information));

    [Fact]
    public void TheStatusPublisherStartsAfterTheReadModelTablesExist()
    {
        // Hosted services start one after the other in this order; the publisher's first query reads container_status.
        var started = api.Services.GetServices<IHostedService>().Select(s => s.GetType()).ToList();
        Assert.Contains(typeof(StatusPublisher), started);
        Assert.True(started.IndexOf(typeof(ReadModelSetup)) < started.IndexOf(typeof(StatusPublisher)),
            string.Join(", ", started.Select(t => t.Name)));
    }
}
