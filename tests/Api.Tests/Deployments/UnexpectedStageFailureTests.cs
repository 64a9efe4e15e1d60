using System.Net;
using System.Text.Json;
using Alba;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
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
        var user = api.TokenFor(Guid.NewGuid());
        var accepted = await (await api.SendAsync(user, x => x.Post.Json(ControlPlaneSteps.DevSpec()).ToUrl("/api/servers"), HttpStatusCode.Accepted))
            .ReadAsJsonAsync<JsonElement>();
        var (container, deployment) = (accepted.GetProperty("containerId").GetGuid(), accepted.GetProperty("deploymentId").GetGuid());

        var history = await EndedAsync(user, deployment);

        Assert.Equal("failed", history.GetProperty("status").GetString());
        var text = history.ToString();
        Assert.Contains("reference", text);
        Assert.DoesNotContain("IOException", text);
        Assert.DoesNotContain(HostPath, text);
        var created = await api.GetJsonAsync(user, $"/api/servers/{container}");
        Assert.DoesNotContain(HostPath, created.ToString());
    }

    /// <summary>
    /// Polls the deployment's history until it ends. Not Wolverine's tracking: the failing stage is retried on a schedule
    /// (WolverineRegistration), and a scheduled retry ends a tracked session before the deployment does.
    /// </summary>
    private async Task<JsonElement> EndedAsync(string user, Guid deployment)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        JsonElement last = default;
        while (DateTime.UtcNow < deadline)
        {
            var response = await api.ScenarioWithToken(user, x =>
            {
                x.Get.Url($"/api/deployments/{deployment}");
                x.IgnoreStatusCode();
            });
            if (response.Context.Response.StatusCode == StatusCodes.Status200OK)
            {
                last = await response.ReadAsJsonAsync<JsonElement>();
                if (last.GetProperty("status").GetString() is "succeeded" or "failed" or "cancelled") return last;
            }
            await Task.Delay(250);
        }
        throw new TimeoutException($"deployment {deployment} did not end: {last}");
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
