using System.Text;
using ZeroLagHub.Agent.Pty;

namespace ZeroLagHub.Agent.Tests.Pty;

/// <summary>Collects a PTY's output as text so tests can wait for a line to appear.</summary>
internal sealed class PtyOutput(PtyProcess pty)
{
    private readonly StringBuilder _text = new();
    private readonly byte[] _buffer = new byte[4096];

    public string Text => _text.ToString();

    /// <summary>Reads until <paramref name="pattern"/> appears after <paramref name="from"/>; returns the text read so far.</summary>
    public async Task<string> UntilAsync(string pattern, int from = 0, int seconds = 10)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        while (_text.ToString().IndexOf(pattern, from, StringComparison.Ordinal) < 0)
        {
            var n = await pty.ReadAsync(_buffer, timeout.Token);
            if (n == 0) throw new EndOfStreamException($"terminal closed before '{pattern}' appeared; output: {_text}");
            _text.Append(Encoding.UTF8.GetString(_buffer, 0, n));
        }
        return _text.ToString();
    }

    /// <summary>Reads everything until the terminal is gone.</summary>
    public async Task<string> ToEndAsync(int seconds = 10)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        int n;
        while ((n = await pty.ReadAsync(_buffer, timeout.Token)) > 0) _text.Append(Encoding.UTF8.GetString(_buffer, 0, n));
        return _text.ToString();
    }

    public static ValueTask TypeAsync(PtyProcess pty, string line) =>
        pty.WriteAsync(Encoding.UTF8.GetBytes(line + "\n"), CancellationToken.None);
}
