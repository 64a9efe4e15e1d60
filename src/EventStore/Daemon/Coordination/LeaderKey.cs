namespace ZeroLagHub.EventStore.Daemon.Coordination;

/// <summary>
/// The advisory-lock key of a projection: a fixed high word ("ZLH") and a stable FNV-1a hash of the
/// name, so pg_locks shows it as classid = 0x5A4C48, objid = hash (see the status query).
/// </summary>
internal static class LeaderKey
{
    public const long ClassId = 0x5A4C48;

    public static long Of(string name) => (ClassId << 32) | ObjectId(name);

    public static long ObjectId(string name)
    {
        var hash = 2166136261u;
        foreach (var c in name)
        {
            hash ^= c;
            hash *= 16777619u;
        }
        return hash;
    }
}
