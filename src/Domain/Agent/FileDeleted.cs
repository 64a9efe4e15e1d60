namespace ZeroLagHub.Domain.Agent;

/// <summary><c>DELETE /files?path=</c>: the entry is gone.</summary>
/// <param name="Removed">How many entries were removed: 1 for a file, link or empty directory, more for a tree.</param>
public sealed record FileDeleted(string Path, long Removed);
