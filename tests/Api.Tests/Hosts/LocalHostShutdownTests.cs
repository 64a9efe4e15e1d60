using Microsoft.Extensions.DependencyInjection;
using ZeroLagHub.Api.Hosts;
using ZeroLagHub.Api.Hosts.Local;
using ZeroLagHub.Domain.Agent;
using ZeroLagHub.Domain.Containers;

namespace ZeroLagHub.Api.Tests.Hosts;

/// <summary>A clean API shutdown pauses the agents; the next instance resumes them, and nothing of the old one undoes that.</summary>
public sealed class LocalHostShutdownTests(LocalHostFixture api) : IClassFixture<LocalHostFixture>
{
    [Fact]
    public async Task AStoppingInstancePausesItsAgentsOnceSoASecondLatePauseCannotUndoAResume()
    {
        var plan = new ContainerPlan(Guid.NewGuid(), ContainerKind.Dev, new ContainerResources());
        await api.Host.CreateAsync(plan, new StageLog(), default);
        var host = api.Services.GetRequiredService<LocalContainerHost>();
        var store = api.Services.GetRequiredService<LocalContainerStore>();
        var first = LocalContainerProbe.Agent(store.Find(plan.ContainerId))!;

        await host.PauseAllAgentsAsync(default);
        Assert.False(first.IsStill());
        // The next instance's start resumes the agent; then the stopping host stops its services a second time
        // (an application's own Run stops it again after whoever stopped it first), as late as it likes.
        await api.Host.StartAsync(plan.ContainerId, new StageLog(), default);
        var resumed = LocalContainerProbe.Agent(store.Find(plan.ContainerId))!;
        await host.PauseAllAgentsAsync(default);

        Assert.True(resumed.IsStill());
    }
}
