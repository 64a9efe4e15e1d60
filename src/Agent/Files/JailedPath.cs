using System.Text;

namespace ZeroLagHub.Agent.Files;

/// <summary>
/// A client's path, checked and normalised lexically before any system call: relative, no NUL, no empty
/// component, <c>.</c> dropped and <c>..</c> folded into its parent, never above the root. This alone is
/// not the jail (a symlink can still lead out); it makes the common mistakes answer with a precise
/// reason, and it means the kernel never sees <c>..</c>.
/// </summary>
public sealed record JailedPath
{
    private const int MaxName = 255, MaxPath = 4095;

    private JailedPath(IReadOnlyList<string> segments) => Segments = segments;

    public IReadOnlyList<string> Segments { get; }

    public bool IsRoot => Segments.Count == 0;

    /// <summary>The normalised path; empty for the root.</summary>
    public string Relative => string.Join('/', Segments);

    /// <summary>For the *at calls: the path itself, <c>.</c> for the root.</summary>
    public string ForOpen => IsRoot ? "." : Relative;

    /// <summary>The last component. Not defined for the root.</summary>
    public string Name => Segments[^1];

    /// <summary>The containing directory. Not defined for the root.</summary>
    public JailedPath Parent => new(Segments.Take(Segments.Count - 1).ToArray());

    public override string ToString() => Relative;

    /// <summary>Null or empty means the root.</summary>
    public static FileOutcome<JailedPath> Parse(string? raw)
    {
        if (string.IsNullOrEmpty(raw)) return new JailedPath([]);
        if (raw.Contains('\0')) return FileError.NulByte;
        if (raw[0] == '/') return FileError.Absolute;
        if (Encoding.UTF8.GetByteCount(raw) > MaxPath) return FileError.NameTooLong;

        var segments = new List<string>();
        foreach (var part in raw.Split('/'))
        {
            switch (part)
            {
                case "": return FileError.EmptyName;
                case ".": continue;
                case "..":
                    if (segments.Count == 0) return FileError.Escapes;
                    // Folding can differ from the kernel only where the kernel would refuse anyway
                    // ("a" missing, or a link, which resolution never follows): it never reaches
                    // somewhere the kernel would not.
                    segments.RemoveAt(segments.Count - 1);
                    continue;
                default:
                    if (Encoding.UTF8.GetByteCount(part) > MaxName) return FileError.NameTooLong;
                    segments.Add(part);
                    continue;
            }
        }
        return new JailedPath(segments);
    }
}
