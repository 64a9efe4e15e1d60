using System.Net;

namespace ZeroLagHub.Agent.Tests.Files;

public sealed class UploadLimitTests : IDisposable
{
    private readonly FilesAgent _agent = new(settings: new Dictionary<string, string> { ["MaxUploadBytes"] = "1024" });

    [Fact]
    public async Task AnUploadAtTheLimitIsWritten()
    {
        Assert.Equal(HttpStatusCode.OK, (await _agent.Put("exact.bin", new byte[1024])).StatusCode);
        Assert.Equal(1024, new FileInfo(_agent.InWorkspace("exact.bin")).Length);
    }

    [Fact]
    public async Task ADeclaredLengthOverTheLimitIs413AndNothingIsWritten()
    {
        File.WriteAllText(_agent.InWorkspace("keep.txt"), "old");
        var before = _agent.Snapshot();
        var response = await _agent.Put("keep.txt", new byte[1025]);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("TooLarge", await FilesAgent.Reason(response));
        Assert.Equal(before, _agent.Snapshot());
    }

    [Fact]
    public async Task AChunkedBodyOverTheLimitIs413AndLeavesNoTempFile()
    {
        var before = _agent.Snapshot();
        // No Content-Length: the agent can only find out by counting.
        var content = new StreamContent(new NonSeekable(new MemoryStream(new byte[5000])));
        var response = await _agent.Send(HttpMethod.Put, "/files/content?path=big.bin", content);
        Assert.Null(content.Headers.ContentLength);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(before, _agent.Snapshot());
    }

    private sealed class NonSeekable(Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    public void Dispose() => _agent.Dispose();
}
