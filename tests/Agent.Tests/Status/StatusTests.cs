using System.Net.Http.Json;
using System.Text.Json;
using ZeroLagHub.Domain.Agent;

namespace ZeroLagHub.Agent.Tests.Status;

public sealed class StatusTests : IDisposable
{
    private readonly Sandbox _sandbox = new();

    [Fact]
    public async Task StatusOfAFreshDevContainerSaysNothingIsProvisionedYet()
    {
        using var agent = new AgentHost(_sandbox);
        var json = await agent.Authorized().GetStringAsync("/status");
        var status = JsonSerializer.Deserialize<AgentStatus>(json, JsonSerializerOptions.Web)!;

        Assert.Contains("\"kind\":\"Dev\"", json);
        Assert.Equal(_sandbox.ContainerId, status.ContainerId);
        Assert.Equal(6038, status.Vmid);
        Assert.False(status.RuntimeInstalled);
        Assert.False(status.DevProvisioned);
        Assert.False(status.CodeServerInstalled);
        Assert.False(status.CodeServerRunning);
        Assert.Null(status.Server);
        Assert.Equal(_sandbox.Path("home/dev/workspace"), status.WorkspaceRoot);
        Assert.True(status.Resources.MemoryBytes > 0);
        Assert.Contains(status.Resources.Source, new[] { "cgroup", "process" });
        Assert.Equal(0, status.JournalSeq);
        Assert.NotEqual(Guid.Empty, status.JournalId);
    }

    [Fact]
    public async Task AGameServerReportsItsProcessState()
    {
        using var agent = new AgentHost(_sandbox, new Dictionary<string, string> { ["Kind"] = "Game" });
        var status = await agent.Authorized().GetFromJsonAsync<AgentStatus>("/status");
        Assert.Equal(ContainerKind.Game, status!.Kind);
        Assert.Equal("offline", status.Server!.State);
    }

    public void Dispose() => _sandbox.Dispose();
}
