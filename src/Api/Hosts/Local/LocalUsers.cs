using System.Diagnostics;

namespace ZeroLagHub.Api.Hosts.Local;

/// <summary>
/// The OS users of local containers, unique on this machine, not per API instance: each is named after its
/// container's id (two control planes on one host never pick the same name) and gets a UID chosen by us
/// under <c>useradd</c>'s lock on <c>/etc/passwd</c> (a second API racing for it fails and takes the next).
/// A UID that some process still holds, e.g. one left by a container deleted outside our care, is never
/// handed out: that process could otherwise read the new container's files and its agent's memory.
/// </summary>
public static class LocalUsers
{
    /// <summary><c>zlh-</c> and 27 hex digits of the container's id (108 random bits): within useradd's 32 characters.</summary>
    public static string NameOf(Guid containerId) => "zlh-" + containerId.ToString("N")[..27];

    /// <summary>The user (created on first use) and its UID and GID.</summary>
    /// <param name="home">Its home in passwd: the container's dev home, which dev shells and code-server get as HOME.</param>
    public static async Task<(int Uid, int Gid)> EnsureAsync(string name, string home, int firstUid, CancellationToken ct)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if (await IdAsync(name, ct) is { } existing) return existing;
            var taken = HostProcess.All().Select(p => p.Uid).Concat(IdsIn("/etc/passwd")).Concat(IdsIn("/etc/group")).ToHashSet();
            var uid = firstUid;
            while (taken.Contains(uid)) uid++;
            // --no-log-init: a high UID would otherwise grow lastlog and faillog (sparse) to its size.
            var (code, error) = await RunAsync("useradd", ["--system", "--uid", $"{uid}", "--user-group", "--no-log-init", "--no-create-home",
                "--home-dir", home, "--shell", "/usr/sbin/nologin", name], ct);
            // 4: the UID was taken meanwhile; 9: the name was (another call for this container): look again.
            if (code is 4 or 9) continue;
            if (code != 0) throw new InvalidOperationException($"useradd {name} failed ({code}): {error}");
        }
        throw new InvalidOperationException($"useradd {name}: no free UID after 100 attempts");
    }

    /// <summary>The user's UID and GID, or null when there is no such user.</summary>
    public static async Task<(int Uid, int Gid)?> IdAsync(string nameOrUid, CancellationToken ct)
    {
        var (code, output) = await RunAsync("getent", ["passwd", nameOrUid], ct);
        if (code != 0) return null;
        var fields = output.Trim().Split(':');
        return (int.Parse(fields[2]), int.Parse(fields[3]));
    }

    /// <summary>Every process of <paramref name="uid"/> on this machine.</summary>
    public static IReadOnlyList<HostProcess> ProcessesOf(int uid) => [.. HostProcess.All().Where(p => p.Uid == uid)];

    /// <summary>
    /// Ends every process of the user (it is the container's alone), waits until none is left, and only then
    /// removes the user, so its UID cannot go to another container while something of this one runs.
    /// Returns what it had to end.
    /// </summary>
    public static async Task<IReadOnlyList<HostProcess>> DeleteAsync(string name, CancellationToken ct)
    {
        if (await IdAsync(name, ct) is not { } id) return [];
        var ended = await EndAllAsync(id.Uid, ct);
        var (code, error) = await RunAsync("userdel", [name], ct);
        if (code is not (0 or 6)) throw new InvalidOperationException($"userdel {name} failed ({code}): {error}");   // 6: gone already
        return ended;
    }

    /// <summary>SIGKILLs every process of <paramref name="uid"/> until none is left (a fork loop included); returns what ran.</summary>
    public static async Task<IReadOnlyList<HostProcess>> EndAllAsync(int uid, CancellationToken ct)
    {
        var ended = ProcessesOf(uid);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (ProcessesOf(uid) is { Count: > 0 } left)
        {
            if (DateTime.UtcNow > deadline) throw new InvalidOperationException($"processes of uid {uid} outlived SIGKILL: {string.Join(", ", left)}");
            foreach (var p in left) p.Signal(HostProcess.SigKill);
            await Task.Delay(50, ct);
        }
        return ended;
    }

    /// <summary>The ids (third field) in <c>/etc/passwd</c> or <c>/etc/group</c>: a UID is only free when no group has it either.</summary>
    private static IEnumerable<int> IdsIn(string file) =>
        File.ReadLines(file).Select(l => l.Split(':')).Where(f => f.Length > 2 && int.TryParse(f[2], out _)).Select(f => int.Parse(f[2]));

    private static async Task<(int Code, string Output)> RunAsync(string program, string[] args, CancellationToken ct)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var error = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        return (process.ExitCode, process.ExitCode == 0 ? await output : (await error).Trim());
    }
}
