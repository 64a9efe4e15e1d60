using System.Diagnostics;
using System.Text;

namespace ZeroLagHub.Cli.Tests.Console;

/// <summary>
/// A zlh that keeps running while the test types into it and reads what it has printed so far: with its
/// stdin a pipe (<see cref="Start"/>), or on a real pseudo-terminal (<see cref="StartInTerminal"/>) made by
/// util-linux <c>script</c>, where stdout and stderr are the terminal's output.
/// </summary>
public sealed class LiveZlh : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly StringBuilder _out = new();
    private readonly StringBuilder _err = new();
    private readonly Lock _gate = new();
    private readonly Task _reading;

    private LiveZlh(ProcessStartInfo start)
    {
        _process = Process.Start(start)!;
        _reading = Task.WhenAll(CopyAsync(_process.StandardOutput, _out), CopyAsync(_process.StandardError, _err));
    }

    /// <summary>zlh with its stdin, stdout and stderr each a pipe.</summary>
    public static LiveZlh Start(Zlh zlh, params string[] args)
    {
        var start = StartInfo(zlh, "dotnet");
        start.ArgumentList.Add(ZlhDll);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        return new LiveZlh(start);
    }

    /// <summary>
    /// zlh as the foreground program of a new pseudo-terminal of <paramref name="rows"/> × <paramref name="cols"/>.
    /// Before zlh starts, the terminal's device is printed (for <see cref="ResizeTerminalAsync"/>); after it ends,
    /// <c>terminal-restored</c> when zlh left the terminal settings as it found them. <c>script</c> exits with zlh's code.
    /// </summary>
    public static LiveZlh StartInTerminal(Zlh zlh, int rows, int cols, params string[] args)
    {
        var command = $"stty rows {rows} cols {cols}; tty; before=$(stty -g); dotnet {Quote(ZlhDll)} {string.Join(' ', args.Select(Quote))}; code=$?; "
            + """[ "$(stty -g)" = "$before" ] && echo terminal-restored; exit $code""";
        var start = StartInfo(zlh, "script");
        foreach (var arg in new[] { "--quiet", "--flush", "--return", "--command", command, "/dev/null" }) start.ArgumentList.Add(arg);
        start.Environment["SHELL"] = "/bin/sh";
        start.Environment["TERM"] = "xterm";
        return new LiveZlh(start);
    }

    public string Out
    {
        get { lock (_gate) return _out.ToString(); }
    }

    public string Err
    {
        get { lock (_gate) return _err.ToString(); }
    }

    public bool HasExited => _process.HasExited;

    /// <summary>Bytes for zlh's stdin (keystrokes, when it is on a terminal), sent at once.</summary>
    public async Task TypeAsync(string text)
    {
        await _process.StandardInput.BaseStream.WriteAsync(Encoding.UTF8.GetBytes(text));
        await _process.StandardInput.BaseStream.FlushAsync();
    }

    public void CloseInput() => _process.StandardInput.Close();

    /// <summary>Waits until stdout (<paramref name="stderr"/>: stderr) contains <paramref name="expected"/>.</summary>
    public async Task WaitForAsync(string expected, bool stderr = false, TimeSpan? patience = null)
    {
        var deadline = DateTime.UtcNow + (patience ?? Patience);
        while (!(stderr ? Err : Out).Contains(expected, StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"no '{expected}' on {(stderr ? "stderr" : "stdout")} within {(patience ?? Patience).TotalSeconds} s\n{this}");
            if (_process.HasExited && _reading.IsCompleted)
                throw new InvalidOperationException($"zlh exited ({_process.ExitCode}) before '{expected}'\n{this}");
            await Task.Delay(50);
        }
    }

    /// <summary>Whether stdout shows <paramref name="expected"/> within <paramref name="patience"/>.</summary>
    public async Task<bool> ShowsAsync(string expected, TimeSpan patience)
    {
        try
        {
            await WaitForAsync(expected, patience: patience);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>zlh's exit code (script's, on a terminal). Patient enough for a reconnect to give up on a stopped container under load.</summary>
    public async Task<int> WaitForExitAsync()
    {
        var patience = 2 * Patience;
        using var timeout = new CancellationTokenSource(patience);
        try { await _process.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException) { throw new TimeoutException($"zlh did not exit within {patience.TotalSeconds} s\n{this}"); }
        await _reading;
        return _process.ExitCode;
    }

    /// <summary>Resizes the terminal from outside, as a terminal emulator does: the kernel sends SIGWINCH to its foreground programs.</summary>
    public async Task ResizeTerminalAsync(int rows, int cols)
    {
        var device = System.Text.RegularExpressions.Regex.Match(Out, @"/dev/pts/\d+").Value;
        Assert.False(string.IsNullOrEmpty(device), $"no terminal device printed\n{this}");
        var stty = Process.Start("stty", ["-F", device, "rows", rows.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "cols", cols.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        await stty.WaitForExitAsync();
        Assert.Equal(0, stty.ExitCode);
    }

    public override string ToString() => $"stdout:\n{Out}\nstderr:\n{Err}";

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    private static string ZlhDll => Path.Combine(AppContext.BaseDirectory, "zlh.dll");

    /// <summary>Like <see cref="Zlh"/>: its own config directory and API, every stream redirected.</summary>
    private static ProcessStartInfo StartInfo(Zlh zlh, string program)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var name in new[] { "ZLH_API", "ZLH_SSH_BASTION" }) start.Environment.Remove(name);
        start.Environment["XDG_CONFIG_HOME"] = zlh.ConfigHome;
        if (zlh.Api is not null) start.Environment["ZLH_API"] = zlh.Api.ToString();
        return start;
    }

    private async Task CopyAsync(StreamReader from, StringBuilder to)
    {
        var buffer = new char[4096];
        int read;
        while ((read = await from.ReadAsync(buffer)) > 0)
            lock (_gate) to.Append(buffer, 0, read);
    }

    private static string Quote(string arg) => $"'{arg.Replace("'", "'\\''")}'";
}
