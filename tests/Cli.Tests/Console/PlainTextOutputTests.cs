using System.Text;
using ZeroLagHub.Cli.Consoles;

namespace ZeroLagHub.Cli.Tests.Console;

/// <summary>Piped console output: the container terminal's escape sequences dropped, CR LF made LF, text kept.</summary>
public sealed class PlainTextOutputTests
{
    private static string Plain(params string[] writes)
    {
        using var sink = new MemoryStream();
        using (var plain = new PlainTextOutput(sink))
            foreach (var write in writes) plain.Write(Encoding.UTF8.GetBytes(write));
        return Encoding.UTF8.GetString(sink.ToArray());
    }

    [Fact]
    public void BashsBracketedPasteColoursAndTitlesAreDropped() =>
        Assert.Equal("dev@box:~$ node --version\nv24.0.0\nexit\n",
            Plain("\u001b[?2004h\u001b]0;dev@box: ~\u0007\u001b[01;32mdev@box\u001b[00m:~$ node --version\r\n\u001b[?2004l\rv24.0.0\r\n\u001b(B\u001b=exit\r\n"));

    [Fact]
    public void ASequenceSplitAcrossWritesIsStillDropped() =>
        Assert.Equal("ab\n", Plain("a\u001b", "[?20", "04h", "b\r", "\n"));

    [Fact]
    public void AnOscEndedByStringTerminatorIsDropped() =>
        Assert.Equal("before after", Plain("before \u001b]8;;https://x\u001b\\after"));

    [Fact]
    public void TextAndALoneCarriageReturnStay() =>
        Assert.Equal("50%\r100% — ü\n", Plain("50%\r100% — ü\n"));

    [Fact]
    public void ACarriageReturnLastIsWrittenAtTheEnd() => Assert.Equal("done\r", Plain("done\r"));

    [Fact]
    public void ACarriageReturnAtTheStartOfALineIsDropped() => Assert.Equal("a\nb\n", Plain("\ra\n", "\r", "b\r\n"));
}
