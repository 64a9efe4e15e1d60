using System.Text;

namespace ZeroLagHub.Agent.Holder;

/// <summary>
/// Turns terminal output into log lines: split on newline, carriage returns and ANSI escape sequences
/// (colours, cursor moves) removed, the last <c>capacity</c> kept. Used for the crash record's tail and
/// for spotting the ready line. Not thread-safe.
/// </summary>
public sealed class LogTail(int capacity = 100)
{
    private const int MaxLine = 8 * 1024;   // a runaway line without newline is cut, not grown forever
    private readonly Queue<string> _lines = new();
    private readonly List<byte> _partial = [];

    /// <summary>Feeds output; returns the lines it completed.</summary>
    public IReadOnlyList<string> Feed(ReadOnlySpan<byte> data)
    {
        List<string>? completed = null;
        foreach (var b in data)
        {
            if (b == (byte)'\n' || _partial.Count >= MaxLine)
            {
                var line = Clean(_partial);
                _partial.Clear();
                Keep(line);
                (completed ??= []).Add(line);
            }
            if (b != (byte)'\n') _partial.Add(b);
        }
        return completed ?? (IReadOnlyList<string>)[];
    }

    /// <summary>The kept lines, oldest first, plus an unfinished last line if there is one.</summary>
    public IReadOnlyList<string> Lines()
    {
        var lines = _lines.ToList();
        if (_partial.Count > 0 && Clean(_partial) is { Length: > 0 } last) lines.Add(last);
        return lines.Count > capacity ? lines[^capacity..] : lines;
    }

    private void Keep(string line)
    {
        _lines.Enqueue(line);
        while (_lines.Count > capacity) _lines.Dequeue();
    }

    /// <summary>Drops CSI (<c>ESC [ … final</c>), OSC (<c>ESC ] … BEL</c>), other two-byte escapes and carriage returns.</summary>
    private static string Clean(List<byte> raw)
    {
        var text = Encoding.UTF8.GetString(raw.ToArray());
        var clean = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\x1b' && i + 1 < text.Length)
            {
                var kind = text[++i];
                if (kind is '[' or ']')
                {
                    // Up to and including the final byte (CSI) or the BEL (OSC).
                    while (i + 1 < text.Length && !(kind == '[' ? text[i + 1] is >= '@' and <= '~' : text[i + 1] == '\a')) i++;
                    i++;
                }
                continue;
            }
            if (c != '\r') clean.Append(c);
        }
        return clean.ToString();
    }
}
