namespace ZeroLagHub.Domain.Agent;

/// <summary><c>GET /files?path=</c>: a directory's entries, sorted by name (ordinal).</summary>
/// <param name="Path">The directory, relative to the file browser's root; empty for the root itself.</param>
public sealed record FileListing(string Path, IReadOnlyList<FileEntry> Entries);
