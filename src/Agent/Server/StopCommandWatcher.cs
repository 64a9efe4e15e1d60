using System.Text;

namespace ZeroLagHub.Agent.Server;

/// <summary>
/// Watches what a user types into the server console for the stop command (e.g. <c>stop</c>, also
/// <c>/stop</c>), so the exit that follows is recorded as asked for, not as a crash. Follows line
/// editing the way a terminal does: backspace, ^U and ^C; escape sequences (arrow keys) are skipped.
/// Not thread-safe: one writer per console.
/// </summary>
public sealed class StopCommandWatcher(string stopCommand)
{
    private readonly StringBuilder _line = new();
    private bool _inEscape;

    /// <summary>True when <paramref name="input"/> completes a line that is the stop command.</summary>
    public bool Feed(ReadOnlySpan<byte> input)
    {
        var stop = false;
        foreach (var b in Encoding.UTF8.GetString(input))
        {
            if (_inEscape)
            {
                if (b is >= '@' and <= '~' and not '[') _inEscape = false;
                continue;
            }
            switch (b)
            {
                case '\x1b': _inEscape = true; break;
                case '\r' or '\n':
                    stop |= IsStop(_line.ToString());
                    _line.Clear();
                    break;
                case '\x7f' or '\b':
                    if (_line.Length > 0) _line.Length--;
                    break;
                case '\x15' or '\x03': _line.Clear(); break;   // ^U, ^C
                default:
                    if (!char.IsControl(b)) _line.Append(b);
                    break;
            }
        }
        return stop;
    }

    private bool IsStop(string line) =>
        string.Equals(line.Trim().TrimStart('/'), stopCommand.Trim().TrimStart('/'), StringComparison.OrdinalIgnoreCase);
}
