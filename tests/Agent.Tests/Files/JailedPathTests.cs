using ZeroLagHub.Agent.Files;

namespace ZeroLagHub.Agent.Tests.Files;

public sealed class JailedPathTests
{
    [Theory]
    [InlineData(null, "")]
    [InlineData("", "")]
    [InlineData(".", "")]
    [InlineData("a/b", "a/b")]
    [InlineData("./a/./b", "a/b")]
    [InlineData("a/../b", "b")]
    [InlineData("a/b/..", "a")]
    [InlineData("a\\b", "a\\b")]   // a backslash is an ordinary character in a Linux name
    public void AcceptedPathsAreNormalised(string? raw, string expected) =>
        Assert.Equal(expected, JailedPath.Parse(raw).Value!.Relative);

    [Theory]
    [InlineData("..", FileError.Escapes)]
    [InlineData("../x", FileError.Escapes)]
    [InlineData("a/../../b", FileError.Escapes)]
    [InlineData("/etc/passwd", FileError.Absolute)]
    [InlineData("a\0b", FileError.NulByte)]
    [InlineData("a//b", FileError.EmptyName)]
    [InlineData("a/", FileError.EmptyName)]
    public void RejectedPathsNameTheReason(string raw, FileError expected) =>
        Assert.Equal(expected, JailedPath.Parse(raw).Error);

    [Fact]
    public void OverlongNamesAreRejected()
    {
        Assert.Equal(FileError.NameTooLong, JailedPath.Parse(new string('x', 256)).Error);
        Assert.True(JailedPath.Parse(new string('x', 255)).Ok);
        Assert.Equal(FileError.NameTooLong, JailedPath.Parse(string.Join('/', Enumerable.Repeat(new string('x', 200), 21))).Error);
    }

    [Fact]
    public void TheParentOfATopLevelNameIsTheRoot()
    {
        var path = JailedPath.Parse("a.txt").Value!;
        Assert.Equal(("a.txt", true, "."), (path.Name, path.Parent.IsRoot, path.Parent.ForOpen));
    }
}
