using System.Net;

namespace ZeroLagHub.Agent.Tests.Files;

public sealed class AtomicWriteTests : IDisposable
{
    private const int Size = 1024 * 1024;
    private readonly FilesAgent _agent = new();

    [Fact]
    public async Task AReaderNeverSeesAHalfWrittenFile()
    {
        Assert.Equal(HttpStatusCode.OK, (await _agent.Put("big.bin", Filled('A'))).StatusCode);
        using var stop = new CancellationTokenSource();

        var writer = Task.Run(async () =>
        {
            var writes = 0;
            for (; writes < 30; writes++)
                Assert.Equal(HttpStatusCode.OK, (await _agent.Put("big.bin", Filled(writes % 2 == 0 ? 'B' : 'C'))).StatusCode);
            await stop.CancelAsync();
            return writes;
        });

        var reads = 0;
        while (!stop.IsCancellationRequested)
        {
            // Straight from disk as well as through the agent: neither may see a mix or a short file.
            foreach (var bytes in new[] { await File.ReadAllBytesAsync(_agent.InWorkspace("big.bin")),
                                          await _agent.Client.GetByteArrayAsync("/files/content?path=big.bin") })
            {
                Assert.Equal(Size, bytes.Length);
                Assert.True(bytes.AsSpan().IndexOfAnyExcept(bytes[0]) < 0, $"read {reads} mixes {(char)bytes[0]} with other bytes");
            }
            reads++;
        }

        Assert.Equal(30, await writer);
        Assert.True(reads > 0);
        Assert.Equal(["big.bin"], Directory.GetFileSystemEntries(_agent.Workspace).Select(Path.GetFileName));
    }

    [Fact]
    public async Task AnAbortedUploadLeavesTheOldFileAndNoTempFile()
    {
        File.WriteAllText(_agent.InWorkspace("a.txt"), "old");
        var content = new StreamContent(new FailingStream());
        await Assert.ThrowsAnyAsync<Exception>(() => _agent.Put("a.txt", content));

        // The agent notices the abort asynchronously; give it a moment to clean up.
        for (var i = 0; i < 50 && Directory.GetFileSystemEntries(_agent.Workspace).Length > 1; i++) await Task.Delay(100);
        Assert.Equal(["a.txt"], Directory.GetFileSystemEntries(_agent.Workspace).Select(Path.GetFileName));
        Assert.Equal("old", File.ReadAllText(_agent.InWorkspace("a.txt")));
    }

    private static byte[] Filled(char c) => Enumerable.Repeat((byte)c, Size).ToArray();

    /// <summary>Sends some bytes, then fails mid-body, so the client drops the connection as a closed browser tab would.</summary>
    private sealed class FailingStream : Stream
    {
        private int _sent;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken token = default)
        {
            await Task.Delay(50, token);
            if (_sent++ < 4) { buffer.Span[..1000].Fill((byte)'x'); return 1000; }
            throw new IOException("the tab was closed");
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    public void Dispose() => _agent.Dispose();
}
