using ZeroLagHub.Api.Hosts.Proxmox;
using ZeroLagHub.Api.Hosts.Proxmox.Privileged;

namespace ZeroLagHub.Api.Tests.Proxmox.Host;

/// <summary>The ssh runner as a real process; a script stands in for ssh and records what it was given.</summary>
public sealed class SshPrivilegedRunnerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("zlh-runner-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private SshPrivilegedRunner Runner(string script)
    {
        var ssh = Path.Combine(_dir, "ssh");
        File.WriteAllText(ssh, "#!/bin/sh\n" + script);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(ssh, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return new SshPrivilegedRunner(new ProxmoxHostOptions
        {
            SshPath = ssh,
            Nodes = [new ProxmoxNodeOptions { Name = "pve1", RunnerTarget = "zlh-runner@pve1.test", RunnerKeyFile = "/etc/zlh/runner_key" }],
        });
    }

    [Fact]
    public async Task TheContentGoesOverStdinAndTheVerbIsOneArgument()
    {
        var runner = Runner($"printf '%s\\n' \"$@\" > {_dir}/args\ncat > {_dir}/stdin\n");

        await runner.PushFileAsync("pve1", 105, "/etc/zlh/enrollment.json", "{\"secret\":1}"u8.ToArray(), CancellationToken.None);

        var args = File.ReadAllLines(Path.Combine(_dir, "args"));
        Assert.Equal(["-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes", "-i", "/etc/zlh/runner_key", "zlh-runner@pve1.test", "push-file 105 /etc/zlh/enrollment.json"], args);
        Assert.Equal("{\"secret\":1}", File.ReadAllText(Path.Combine(_dir, "stdin")));
    }

    [Fact]
    public async Task ARefusalCarriesTheRunnersMessage()
    {
        var runner = Runner("cat > /dev/null\necho 'zlh-runner: CT 105 is not managed by ZeroLagHub' >&2\nexit 3\n");
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            runner.PushFileAsync("pve1", 105, "/etc/zlh/enrollment.json", new byte[] { 1 }, CancellationToken.None));
        Assert.Contains("exit code 3", error.Message);
        Assert.Contains("not managed by ZeroLagHub", error.Message);
    }

    [Fact]
    public async Task ANodeWithoutARunnerSaysSo()
    {
        var runner = new SshPrivilegedRunner(new ProxmoxHostOptions { Nodes = [new ProxmoxNodeOptions { Name = "pve2" }] });
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            runner.PushFileAsync("pve2", 105, "/x", new byte[] { 1 }, CancellationToken.None));
        Assert.Contains("RunnerTarget", error.Message);
    }
}
