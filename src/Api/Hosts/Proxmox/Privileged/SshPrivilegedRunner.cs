using System.Diagnostics;

namespace ZeroLagHub.Api.Hosts.Proxmox.Privileged;

/// <summary>
/// Runs privileged verbs over ssh on the node. The node's <c>authorized_keys</c> entry forces the
/// runner script (<c>command="/usr/local/sbin/zlh-runner"</c>), so this key can do exactly the verbs
/// that script accepts, and nothing else as root. Content goes over stdin, never on a command line
/// (command lines are visible in <c>ps</c> to every user on both machines).
/// </summary>
public sealed class SshPrivilegedRunner(ProxmoxHostOptions options) : IPrivilegedRunner
{
    public async Task PushFileAsync(string node, int vmid, string path, ReadOnlyMemory<byte> content, CancellationToken ct)
    {
        var target = options.Nodes.FirstOrDefault(n => n.Name == node)
            ?? throw new InvalidOperationException($"Proxmox node '{node}' is not configured.");
        if (string.IsNullOrWhiteSpace(target.RunnerTarget))
            throw new InvalidOperationException($"Proxmox node '{node}' has no RunnerTarget: the privileged runner is needed to push the enrollment token (docs/proxmox.md).");

        var start = new ProcessStartInfo(options.SshPath)
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var argument in new[] { "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes" }) start.ArgumentList.Add(argument);
        if (target.RunnerKnownHostsFile is { Length: > 0 } knownHosts) { start.ArgumentList.Add("-o"); start.ArgumentList.Add($"UserKnownHostsFile={knownHosts}"); }
        if (target.RunnerKeyFile is { Length: > 0 } key) { start.ArgumentList.Add("-i"); start.ArgumentList.Add(key); }
        start.ArgumentList.Add(target.RunnerTarget);
        // What the forced command sees as SSH_ORIGINAL_COMMAND.
        start.ArgumentList.Add($"push-file {vmid} {path}");

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {options.SshPath}.");
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var error = process.StandardError.ReadToEndAsync(ct);
        await process.StandardInput.BaseStream.WriteAsync(content, ct);
        process.StandardInput.Close();
        try
        {
            await process.WaitForExitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        await output;
        var stderr = (await error).Trim();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"Privileged runner push-file {vmid} {path} on {node} failed with exit code {process.ExitCode}: {stderr}");
    }
}
