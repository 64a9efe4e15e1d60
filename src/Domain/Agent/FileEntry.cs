namespace ZeroLagHub.Domain.Agent;

/// <summary>One entry of a directory listed by the agent's file browser.</summary>
/// <param name="Name">The entry's name within its directory (no slashes).</param>
/// <param name="Size">Bytes, as <c>stat</c> reports them; for a symlink, the length of its target text.</param>
/// <param name="ModifiedAt">Last modification of the entry itself (a link's own mtime, not its target's).</param>
/// <param name="Mode">Permission bits in octal, e.g. <c>0644</c>; the type is in <paramref name="Type"/>.</param>
public sealed record FileEntry(string Name, FileEntryType Type, long Size, DateTimeOffset ModifiedAt, string Mode);
