using System.Collections.Concurrent;
using System.Text.Json;
using ZeroLagHub.Api.Hosts.Proxmox.Enrollment;
using ZeroLagHub.Api.Hosts.Proxmox.Privileged;

namespace ZeroLagHub.Api.Tests.Proxmox.Fake;

/// <summary>
/// The privileged runner for tests, playing the node and the container's first-boot script: a pushed
/// enrollment file is read and exchanged, once, and the agent starts with the token it bought.
/// </summary>
public sealed class FirstBootRunner(AgentEnrollment enrollment, FakeAgent agent) : IPrivilegedRunner
{
    public ConcurrentQueue<(string Node, int Vmid, string Path, string Content)> Pushes { get; } = new();
    public ConcurrentQueue<EnrollmentRedemption> Redemptions { get; } = new();

    public async Task PushFileAsync(string node, int vmid, string path, ReadOnlyMemory<byte> content, CancellationToken ct)
    {
        var text = System.Text.Encoding.UTF8.GetString(content.Span);
        Pushes.Enqueue((node, vmid, path, text));
        using var document = JsonDocument.Parse(text);
        var containerId = document.RootElement.GetProperty("containerId").GetGuid();
        var redemption = await enrollment.RedeemAsync(containerId, document.RootElement.GetProperty("enrollmentToken").GetString()!, ct);
        Redemptions.Enqueue(redemption);
        if (redemption.Succeeded) agent.Enrolled(containerId, redemption.AgentToken!);
    }
}
