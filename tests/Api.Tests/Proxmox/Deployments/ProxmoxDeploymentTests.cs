using System.Text.Json;
using ZeroLagHub.Api.Tests.Containers;
using ZeroLagHub.Api.Tests.Proxmox.Fake;

namespace ZeroLagHub.Api.Tests.Proxmox.Deployments;

/// <summary>
/// Dev-container deployments through the API onto the fake Proxmox, with a real agent enrolling from
/// inside the "container". Tests in this class share the fake, so each one undoes what it breaks.
/// </summary>
public sealed class ProxmoxDeploymentTests(ProxmoxApiFixture api) : IClassFixture<ProxmoxApiFixture>
{
    [Fact]
    public async Task ADevContainerReachesReadyWithEveryProxmoxTaskInTheDeploymentHistory()
    {
        using var client = api.CreateClientAs(Guid.NewGuid());
        var (container, deployment) = await client.CreateAsync(ControlPlaneSteps.DevSpec());

        var history = await client.WaitForDeploymentAsync(deployment);

        Assert.True(history.GetProperty("status").GetString() == "succeeded", Explain(history));
        Assert.Equal(
            [("create_container", "succeeded"), ("wait_for_agent", "succeeded"), ("install_runtime", "succeeded"),
             ("install_addons", "succeeded"), ("start_code_server", "succeeded"), ("ready", "succeeded")],
            ControlPlaneSteps.Stages(history));

        var create = LogTail(history, "create_container");
        var lxc = Assert.Single(api.Proxmox.Containers.Values, c => c.Config.GetValueOrDefault("hostname") == $"zlh-{container:N}");
        foreach (var (type, what) in new[] { ("vzclone", "clone template 9000"), ("resize", "resize CT"), ("vzstart", "start CT") })
            Assert.Contains(create, l => l.StartsWith(what, StringComparison.Ordinal) && l.Contains($"UPID:{FakeProxmoxServer.Node}:", StringComparison.Ordinal)
                && l.Contains($":{type}:{(type == "vzclone" ? FakeProxmoxServer.TemplateVmid : lxc.Vmid)}:", StringComparison.Ordinal));
        Assert.Contains(create, l => l.StartsWith($"config CT {lxc.Vmid}: cores=", StringComparison.Ordinal));
        Assert.Contains($"  | create full clone of mountpoint rootfs (local-lvm:base-{FakeProxmoxServer.TemplateVmid}-disk-0)", create);
        Assert.Contains($"  | starting CT {lxc.Vmid}", create);
        Assert.True(create.Count(l => l == "  | TASK OK") >= 3, string.Join('\n', create));
        Assert.Contains(create, l => l.StartsWith($"agent healthy on {lxc.Address}:", StringComparison.Ordinal));
        Assert.Contains(LogTail(history, "wait_for_agent"), l => l.StartsWith("agent ", StringComparison.Ordinal));

        // The agent that answered enrolled with the one-time token, which appears nowhere in the history.
        var push = Assert.Single(api.Lxc.Pushes, p => p.Vmid == lxc.Vmid);
        var token = JsonDocument.Parse(push.Content).RootElement.GetProperty("enrollmentToken").GetString()!;
        Assert.DoesNotContain(token, history.ToString());
        Assert.Equal(1L, await api.Database.ScalarAsync($"SELECT count(*) FROM zlh.enrollment_tokens WHERE container_id = '{container}' AND used_at IS NOT NULL"));

        var state = await client.GetContainerAsync(container);
        Assert.Equal("ready", state.GetProperty("lifecycle").GetString());
        Assert.Equal("proxmox", state.GetProperty("host").GetString());
        Assert.Equal(lxc.Vmid, state.GetProperty("vmid").GetInt32());
        Assert.Equal("node", state.GetProperty("runtime").GetString());
        Assert.True(state.GetProperty("codeServerRunning").GetBoolean());
    }

    [Fact]
    public async Task AFailedCloneFailsTheCreateStageWithTheTaskLogTail()
    {
        api.Proxmox.FailingTasks["vzclone"] = "clone failed: no space left on device";
        try
        {
            using var client = api.CreateClientAs(Guid.NewGuid());
            var (container, deployment) = await client.CreateAsync(ControlPlaneSteps.DevSpec());

            var history = await client.WaitForDeploymentAsync(deployment);

            Assert.Equal("failed", history.GetProperty("status").GetString());
            Assert.Equal("create_container", history.GetProperty("failedStage").GetString());
            var failed = Stage(history, "create_container");
            Assert.Equal("Proxmox task vzclone on pve1 failed: clone failed: no space left on device", failed.GetProperty("error").GetString());
            var tail = LogTail(history, "create_container");
            Assert.Contains(tail, l => l.StartsWith("clone template 9000", StringComparison.Ordinal) && l.Contains(":vzclone:9000:", StringComparison.Ordinal));
            Assert.Contains("  | TASK ERROR: clone failed: no space left on device", tail);
            Assert.Equal("pending", ControlPlaneSteps.Stages(history).Single(s => s.Name == "wait_for_agent").Status);
            Assert.Equal("error", (await client.GetContainerAsync(container)).GetProperty("lifecycle").GetString());
        }
        finally { api.Proxmox.FailingTasks.Clear(); }
    }

    [Fact]
    public async Task AMissingPrivilegeIsNamedInTheCreateStageLog()
    {
        var clone = $"/nodes/{FakeProxmoxServer.Node}/lxc/{FakeProxmoxServer.TemplateVmid}/clone";
        api.Proxmox.Denied[clone] = ($"/vms/{FakeProxmoxServer.TemplateVmid}", "VM.Clone");
        try
        {
            using var client = api.CreateClientAs(Guid.NewGuid());
            var (_, deployment) = await client.CreateAsync(ControlPlaneSteps.DevSpec());

            var history = await client.WaitForDeploymentAsync(deployment);

            Assert.Equal("create_container", history.GetProperty("failedStage").GetString());
            Assert.Contains("lacks privilege VM.Clone on /vms/9000", Stage(history, "create_container").GetProperty("error").GetString());
            Assert.Contains(LogTail(history, "create_container"), l => l.Contains(
                $"Proxmox token {FakeProxmoxServer.TokenId} lacks privilege VM.Clone on /vms/9000", StringComparison.Ordinal));
            Assert.DoesNotContain(FakeProxmoxServer.TokenSecret, history.ToString());
        }
        finally { api.Proxmox.Denied.TryRemove(clone, out _); }
    }

    private static JsonElement Stage(JsonElement history, string name) =>
        history.GetProperty("stages").EnumerateArray().Single(s => s.GetProperty("name").GetString() == name);

    private static List<string> LogTail(JsonElement history, string stage) =>
        [.. Stage(history, stage).GetProperty("logTail").EnumerateArray().Select(l => l.GetString()!)];

    private string Explain(JsonElement history) => $"{history}\n--- inside the containers ---\n{string.Join('\n', api.Lxc.Log)}";
}
