namespace ZeroLagHub.Cli.Consoles;

/// <summary>
/// The keystroke that leaves the console without ending it (<c>--detach-key</c>): a control character,
/// Ctrl-] by default as in telnet. Written <c>ctrl-X</c> or <c>^X</c> for a letter or one of <c>\ ] ^ _</c>;
/// <c>none</c> turns detaching off. Ctrl-[ is Escape, which starts every arrow key's sequence, so it is refused.
/// </summary>
internal sealed record DetachKey(byte Code, string Name)
{
    public const string Default = "ctrl-]";

    public const string Help = "Key that detaches and leaves the shell running: ctrl-<letter>, ctrl-], ctrl-\\, ctrl-^, ctrl-_, or none";

    /// <returns>Null when <paramref name="text"/> is <c>none</c> (no detach key).</returns>
    public static bool TryParse(string text, out DetachKey? key)
    {
        key = null;
        var spec = text.Trim().ToLowerInvariant();
        if (spec == "none") return true;
        var named = spec.StartsWith("ctrl-", StringComparison.Ordinal) ? spec[5..] : spec.StartsWith('^') ? spec[1..] : null;
        if (named is not [var c] || !(char.IsAsciiLetterLower(c) || c is '\\' or ']' or '^' or '_')) return false;
        key = new DetachKey((byte)(char.ToUpperInvariant(c) & 0x1f), $"Ctrl-{char.ToUpperInvariant(c)}");
        return true;
    }
}
