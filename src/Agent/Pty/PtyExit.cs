namespace ZeroLagHub.Agent.Pty;

/// <summary>
/// How a PTY's child ended, from its real wait status: exactly one of <see cref="ExitCode"/> (it called
/// exit) and <see cref="Signal"/> (a signal killed it) is set. Both null: the status could not be read
/// (someone else reaped the child, which the agent never does).
/// </summary>
public readonly record struct PtyExit(int? ExitCode, int? Signal)
{
    /// <summary>Decodes a <c>waitpid</c> status word (the WIFEXITED / WIFSIGNALED macros).</summary>
    public static PtyExit FromWaitStatus(int status)
    {
        var termSignal = status & 0x7f;
        if (termSignal == 0) return new PtyExit((status >> 8) & 0xff, null);
        // 0x7f is "stopped", which waitpid without WUNTRACED never reports.
        return termSignal != 0x7f ? new PtyExit(null, termSignal) : new PtyExit(null, null);
    }

    public override string ToString() =>
        ExitCode is { } code ? $"exit code {code}" : Signal is { } signal ? $"signal {signal}" : "unknown exit status";
}
