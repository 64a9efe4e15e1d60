namespace ZeroLagHub.Agent.Install;

/// <summary>
/// Checks, once a tree is fully extracted, that every symlink in it resolves inside it when followed
/// the way the kernel would (component by component, links within links). Per-entry checks see one
/// link at a time; a chain (<c>a → .</c>, <c>b → a/..</c>) only escapes once all of it exists.
/// </summary>
public static class SymlinkContainment
{
    private const int MaxHops = 40;   // the kernel's own limit (ELOOP)

    /// <summary>The first symlink under <paramref name="root"/> that leads outside it (relative path), or null.</summary>
    public static string? FindEscape(string root)
    {
        root = Path.GetFullPath(root);
        var pending = new Stack<string>([root]);
        while (pending.TryPop(out var dir))
        {
            foreach (var entry in new DirectoryInfo(dir).EnumerateFileSystemInfos())
            {
                if (entry.LinkTarget is not null)
                {
                    var hops = 0;
                    if (Resolve(root, dir, entry.Name, ref hops) is null) return Path.GetRelativePath(root, entry.FullName);
                }
                else if (entry is DirectoryInfo) pending.Push(entry.FullName);   // never recurse through links
            }
        }
        return null;
    }

    /// <summary>Follows <paramref name="relative"/> from the physical directory <paramref name="dir"/>; null when it leaves <paramref name="root"/>.</summary>
    private static string? Resolve(string root, string dir, string relative, ref int hops)
    {
        if (Path.IsPathRooted(relative)) return null;
        foreach (var part in relative.Split('/'))
        {
            if (part is "" or ".") continue;
            if (part == "..")
            {
                if (dir == root) return null;
                dir = Path.GetDirectoryName(dir)!;
                continue;
            }
            var next = Path.Combine(dir, part);
            var target = new FileInfo(next).LinkTarget;
            if (target is null) { dir = next; continue; }   // a real entry, or one that does not exist (dangling is fine if inside)
            if (++hops > MaxHops) return null;
            var resolved = Resolve(root, dir, target, ref hops);
            if (resolved is null) return null;
            dir = resolved;
        }
        return dir;
    }
}
