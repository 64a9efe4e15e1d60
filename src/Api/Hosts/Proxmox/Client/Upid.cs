using System.Globalization;

namespace ZeroLagHub.Api.Hosts.Proxmox.Client;

/// <summary>
/// A Proxmox task id, <c>UPID:node:pid:pstart:starttime:type:id:user:</c> with pid, pstart and
/// starttime in hex. The node part says where the task runs: its status is polled there.
/// </summary>
public sealed record Upid(string Value, string Node, int Pid, long ProcessStart, DateTimeOffset StartTime, string Type, string Id, string User)
{
    public static Upid Parse(string value) =>
        TryParse(value, out var upid) ? upid : throw new FormatException($"'{value}' is not a Proxmox UPID (UPID:node:pid:pstart:starttime:type:id:user:).");

    public static bool TryParse(string? value, out Upid upid)
    {
        upid = null!;
        if (value is null) return false;
        var parts = value.Split(':');
        // The trailing ':' gives an empty 9th part; the user part may not contain ':'.
        if (parts.Length != 9 || parts[0] != "UPID" || parts[8].Length != 0 || parts[1].Length == 0 || parts[5].Length == 0)
            return false;
        if (!int.TryParse(parts[2], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var pid)
            || !long.TryParse(parts[3], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var pstart)
            || !long.TryParse(parts[4], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var start))
            return false;
        upid = new Upid(value, parts[1], pid, pstart, DateTimeOffset.FromUnixTimeSeconds(start), parts[5], parts[6], parts[7]);
        return true;
    }

    public override string ToString() => Value;
}
