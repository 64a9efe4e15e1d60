namespace ZeroLagHub.Cli.Consoles;

/// <summary>What the local side has for the console, in the order it happened (<see cref="TerminalInput"/>).</summary>
internal abstract record InputEvent
{
    /// <summary>Bytes read from stdin, for the remote terminal (a binary frame).</summary>
    public sealed record Keys(byte[] Bytes) : InputEvent;

    /// <summary>The local terminal was resized: send its current size (a text frame).</summary>
    public sealed record Resized : InputEvent;

    /// <summary>The detach key was typed: leave, the remote side keeps running.</summary>
    public sealed record Detach : InputEvent;

    /// <summary>stdin ended (piped input only; a terminal in raw mode has no end of input).</summary>
    public sealed record End : InputEvent;
}
