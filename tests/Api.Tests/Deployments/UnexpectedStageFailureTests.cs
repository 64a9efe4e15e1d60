using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using ZeroLagHub.Api.Hosts;
using ZeroLagHub.Api.Tests.Containers;

namespace ZeroLagHub.Api.Tests.Deployments;

/// <summary>
/// A stage that fails in a way nobody planned for (a host throwing an exception whose text holds a host path)
/// ends the deployment as failed, and what the user reads names neither the exception's .NET type nor the path.
/// </summary>
public sealed class UnexpectedStageFailureTests(UnexpectedStageFailureTests.ExplodingHostApi api)
    : IClassFixture<UnexpectedStageFailureTests.ExplodingHostApi>
{
    private const string HostPath = "/var/lib/zlh-host-secret/containers";

    [Fact]
    public async Task TheStageErrorGivesAReferenceNotTheExceptionOrAHostPath()
    {
        using var client = api.CreateClientAs(Guid.NewGuid());
        var (container, deployment) = await client.CreateAsync(ControlPlaneSteps.DevSpec());

        var history = await client.WaitForDeploymentAsync(deployment);

        Assert.Equal("failed", history.GetProperty("status").GetString());
        var text = history.ToString();
        Assert.Contains("reference", text);
        Assert.DoesNotContain("IOException", text);
        Assert.DoesNotContain(HostPath, text);
        var created = await client.GetContainerAsync(container);
        Assert.DoesNotContain(HostPath, created.ToString());
    }

    /// <summary>The API whose container host throws, on every attempt, what no stage expects.</summary>
    public sealed class ExplodingHostApi : ApiFixture
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services => services.AddSingleton<IContainerHost, ExplodingHost>());
        }
    }

    private sealed class ExplodingHost : IContainerHost
    {
        private static IOException Explosion() => new($"{HostPath}/1234: Permission denied");

        public Task<HostedContainer> CreateAsync(ContainerPlan plan, StageLog log, CancellationToken ct) => throw Explosion();
        public Task StartAsync(Guid containerId, StageLog log, CancellationToken ct) => throw Explosion();
        public Task StopAsync(Guid containerId, StageLog log, CancellationToken ct) => throw Explosion();
        public Task DeleteAsync(Guid containerId, StageLog log, CancellationToken ct) => Task.CompletedTask;
        public ValueTask<AgentEndpoint?> FindAgentAsync(Guid containerId, CancellationToken ct) => ValueTask.FromResult<AgentEndpoint?>(null);
    }
}
