using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using ZeroLagHub.Domain.Agent;

namespace ZeroLagHub.Agent.Tests.Files;

// The agent is Linux-only (openat2, statx); so are its tests.
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class FilesApiTests : IDisposable
{
    private readonly FilesAgent _agent = new();

    [Fact]
    public async Task ADirectoryIsCreatedWrittenListedReadRenamedAndDeleted()
    {
        var mkdir = await _agent.Mkdir("src");
        Assert.Equal(HttpStatusCode.OK, mkdir.StatusCode);
        var dir = await mkdir.Content.ReadFromJsonAsync<FileEntry>();
        Assert.Equal(new { Name = "src", Type = FileEntryType.Dir, Mode = "0755" }, new { dir!.Name, dir.Type, dir.Mode });

        var body = Encoding.UTF8.GetBytes("print('hello')\n");
        var put = await _agent.Put("src/main.py", body);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var written = await put.Content.ReadFromJsonAsync<FileWritten>();
        Assert.Equal(new FileWritten("src/main.py", body.Length, Convert.ToHexStringLower(SHA256.HashData(body))), written);

        var listing = await _agent.Client.GetFromJsonAsync<FileListing>("/files?path=src");
        var entry = Assert.Single(listing!.Entries);
        Assert.Equal(new { Name = "main.py", Type = FileEntryType.File, Size = (long)body.Length, Mode = "0644" },
            new { entry.Name, entry.Type, entry.Size, entry.Mode });
        Assert.InRange(entry.ModifiedAt, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));

        var read = await _agent.Client.GetAsync("/files/content?path=src/main.py");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(body.Length, read.Content.Headers.ContentLength);
        Assert.Equal(body, await read.Content.ReadAsByteArrayAsync());

        Assert.Equal(HttpStatusCode.OK, (await _agent.Rename("src/main.py", "src/app.py")).StatusCode);
        Assert.True(File.Exists(_agent.InWorkspace("src/app.py")));
        Assert.False(File.Exists(_agent.InWorkspace("src/main.py")));

        Assert.Equal("NotEmpty", await FilesAgent.Reason(await _agent.Delete("src")));
        var deleted = await _agent.Delete("src", recursive: true);
        Assert.Equal(new FileDeleted("src", 2), await deleted.Content.ReadFromJsonAsync<FileDeleted>());
        Assert.Empty((await _agent.Client.GetFromJsonAsync<FileListing>("/files"))!.Entries);
    }

    [Fact]
    public async Task TheRootIsListedWithLinksShownAsLinksNotFollowed()
    {
        File.WriteAllText(_agent.InWorkspace("a.txt"), "a");
        Directory.CreateDirectory(_agent.InWorkspace("dir"));
        File.CreateSymbolicLink(_agent.InWorkspace("etc"), "/etc");

        var listing = await _agent.Client.GetFromJsonAsync<FileListing>("/files?path=");
        Assert.Equal("", listing!.Path);
        Assert.Equal([("a.txt", FileEntryType.File), ("dir", FileEntryType.Dir), ("etc", FileEntryType.Symlink)],
            listing.Entries.Select(e => (e.Name, e.Type)));
    }

    [Fact]
    public async Task OverwritingKeepsTheFilesPermissionBits()
    {
        File.WriteAllText(_agent.InWorkspace("run.sh"), "old");
        File.SetUnixFileMode(_agent.InWorkspace("run.sh"), (UnixFileMode)0x1ED);   // 0755
        Assert.Equal(HttpStatusCode.OK, (await _agent.Put("run.sh", "#!/bin/sh\necho new\n")).StatusCode);
        Assert.Equal((UnixFileMode)0x1ED, File.GetUnixFileMode(_agent.InWorkspace("run.sh")));
        Assert.Equal("#!/bin/sh\necho new\n", File.ReadAllText(_agent.InWorkspace("run.sh")));
    }

    [Fact]
    public async Task ExpectedFailuresAreProblemsNamingTheReason()
    {
        Directory.CreateDirectory(_agent.InWorkspace("dir"));
        File.WriteAllText(_agent.InWorkspace("a.txt"), "a");
        var fifo = _agent.InWorkspace("pipe");
        System.Diagnostics.Process.Start("mkfifo", fifo).WaitForExit();

        async Task Expect(HttpStatusCode status, string reason, Task<HttpResponseMessage> call)
        {
            var response = await call;
            Assert.Equal(reason, await FilesAgent.Reason(response));
            Assert.Equal(status, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        await Expect(HttpStatusCode.BadRequest, "IsADirectory", _agent.Client.GetAsync("/files/content?path=dir"));
        await Expect(HttpStatusCode.BadRequest, "IsADirectory", _agent.Client.GetAsync("/files/content?path="));
        await Expect(HttpStatusCode.BadRequest, "NotADirectory", _agent.Client.GetAsync("/files?path=a.txt"));
        await Expect(HttpStatusCode.BadRequest, "NotARegularFile", _agent.Client.GetAsync("/files/content?path=pipe"));
        await Expect(HttpStatusCode.NotFound, "NotFound", _agent.Client.GetAsync("/files/content?path=missing.txt"));
        await Expect(HttpStatusCode.NotFound, "NotFound", _agent.Put("no/such/parent.txt", "x"));
        await Expect(HttpStatusCode.BadRequest, "IsADirectory", _agent.Put("dir", "x"));
        await Expect(HttpStatusCode.Conflict, "Exists", _agent.Mkdir("dir"));
        await Expect(HttpStatusCode.Conflict, "Exists", _agent.Rename("a.txt", "dir"));
        await Expect(HttpStatusCode.BadRequest, "InvalidRename", _agent.Rename("dir", "dir/inner"));
        await Expect(HttpStatusCode.NotFound, "NotFound", _agent.Delete("missing"));
        await Expect(HttpStatusCode.BadRequest, "EmptyName", _agent.Client.GetAsync("/files?path=dir//x"));
        Assert.False(Directory.Exists(_agent.InWorkspace("no")));
    }

    [Fact]
    public async Task WithoutAWorkspaceTheAnswerIsNoRoot()
    {
        Directory.Delete(_agent.Workspace);
        var response = await _agent.Client.GetAsync("/files");
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("NoRoot", await FilesAgent.Reason(response));
    }

    [Fact]
    public async Task AMutationWithoutAnIdempotencyKeyIs400AndChangesNothing()
    {
        var before = _agent.Snapshot();
        Assert.Equal(HttpStatusCode.BadRequest, (await _agent.Put("a.txt", "x", key: "")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _agent.Send(HttpMethod.Post, "/files/mkdir?path=d", key: "")).StatusCode);
        Assert.Equal(before, _agent.Snapshot());
    }

    [Fact]
    public async Task ARepeatedCommandIdReturnsTheFirstResultWithoutWritingAgain()
    {
        var first = await _agent.Put("a.txt", "one", key: "cmd-1");
        var repeat = await _agent.Put("a.txt", "two", key: "cmd-1");
        Assert.Equal(await first.Content.ReadAsStringAsync(), await repeat.Content.ReadAsStringAsync());
        Assert.Equal("one", File.ReadAllText(_agent.InWorkspace("a.txt")));

        await _agent.Send(HttpMethod.Delete, "/files?path=a.txt", key: "cmd-2");
        File.WriteAllText(_agent.InWorkspace("a.txt"), "recreated");
        var again = await _agent.Send(HttpMethod.Delete, "/files?path=a.txt", key: "cmd-2");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.True(File.Exists(_agent.InWorkspace("a.txt")));
    }

    public void Dispose() => _agent.Dispose();
}
