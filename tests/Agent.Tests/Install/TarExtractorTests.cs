using ZeroLagHub.Agent.Install;

namespace ZeroLagHub.Agent.Tests.Install;

public sealed class TarExtractorTests : IDisposable
{
    private readonly Sandbox _sandbox = new();

    private string Root => _sandbox.Path("stage");

    private InstallFailure? Extract(TestArchive archive)
    {
        Directory.CreateDirectory(Root);
        return TarExtractor.Extract(new MemoryStream(archive.Tar()), Root, new InstallOutput()) is { } failure
            ? failure
            : SymlinkContainment.FindEscape(Root) is { } escape ? new InstallFailure(InstallError.UnsafeArchive, escape, []) : null;
    }

    public static TheoryData<string, TestArchive> Hostile => new()
    {
        { "dot-dot", new TestArchive().File("../evil", "x") },
        { "dot-dot inside", new TestArchive().File("bin/../../evil", "x") },
        { "absolute", new TestArchive().File("/tmp/zlh-evil", "x") },
        { "symlink absolute", new TestArchive().Symlink("etc", "/etc") },
        { "symlink up", new TestArchive().Symlink("up", "../..") },
        { "write through symlink", new TestArchive().Directory("real/").Symlink("link", "real").File("link/x", "x") },
        { "symlink chain", new TestArchive().Symlink("a", ".").Symlink("b", "a/..") },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void AHostileArchiveIsRejectedAndWritesNothingOutside(string name, TestArchive archive)
    {
        var failure = Extract(archive);
        Assert.True(failure is { Error: InstallError.UnsafeArchive }, $"{name}: {failure}");
        Assert.False(File.Exists(_sandbox.Path("evil")));
        Assert.False(File.Exists("/tmp/zlh-evil"));
    }

    [Fact]
    public void RelativeSymlinksThatStayInsideAreKept()
    {
        Assert.Null(Extract(new TestArchive()
            .File("lib/real.js", "ok")
            .Symlink("bin/tool", "../lib/real.js")
            .Symlink("current", ".")));
        Assert.Equal("ok", File.ReadAllText(Path.Combine(Root, "bin/tool")));
    }

    [Fact]
    public void SetUidBitsAreDropped()
    {
        Assert.Null(Extract(new TestArchive().File("bin/su", "x", TestArchive.Executable | UnixFileMode.SetUser)));
        if (!OperatingSystem.IsWindows()) Assert.Equal(TestArchive.Executable, File.GetUnixFileMode(Path.Combine(Root, "bin/su")));
    }

    [Fact]
    public void AnUnreadableArchiveIsAnExtractError()
    {
        Directory.CreateDirectory(Root);
        var failure = TarExtractor.Extract(new MemoryStream(new byte[1024].Select(_ => (byte)7).ToArray()), Root, new InstallOutput());
        Assert.Equal(InstallError.Extract, failure?.Error);
    }

    public void Dispose() => _sandbox.Dispose();
}
