using System.Buffers;
using System.Text;
using ZeroLagHub.Projections.Redis;

namespace ZeroLagHub.Projections.Tests.Redis;

public sealed class RespParserTests
{
    [Theory]
    [InlineData("+OK\r\n", RedisReplyKind.SimpleString, "OK")]
    [InlineData("-ERR wrong\r\n", RedisReplyKind.Error, "ERR wrong")]
    [InlineData(":-42\r\n", RedisReplyKind.Integer, "-42")]
    [InlineData("$5\r\nh\r\nlo\r\n", RedisReplyKind.BulkString, "h\r\nlo")]
    [InlineData("$0\r\n\r\n", RedisReplyKind.BulkString, "")]
    [InlineData("$-1\r\n", RedisReplyKind.Null, null)]
    [InlineData("*-1\r\n", RedisReplyKind.Null, null)]
    public void ParsesEachReplyType(string wire, RedisReplyKind kind, string? text)
    {
        var reply = ParseWhole(wire);
        Assert.Equal(kind, reply.Kind);
        Assert.Equal(text, reply.AsString());
    }

    [Fact]
    public void ParsesNestedArraysWithNullsAndErrors()
    {
        var reply = ParseWhole("*3\r\n:1\r\n*2\r\n$1\r\na\r\n$-1\r\n-ERR inner\r\n");

        Assert.Equal("[1, [a, (nil)], (error) ERR inner]", reply.ToString());
    }

    [Fact]
    public void AReplyCutAnywhereIsIncompleteAndConsumesNothing()
    {
        var wire = Encoding.UTF8.GetBytes("*2\r\n$3\r\nfoo\r\n:12\r\n");
        for (var cut = 0; cut < wire.Length; cut++)
        {
            var buffer = new ReadOnlySequence<byte>(wire, 0, cut);
            Assert.False(RespParser.TryParse(buffer, out _, out var consumed), $"cut at {cut}");
            Assert.Equal(buffer.Start, consumed);
        }
    }

    [Fact]
    public void AReplySpreadOverManySegmentsParsesAndTheNextOneFollows()
    {
        var wire = Encoding.UTF8.GetBytes("$11\r\nhello world\r\n:7\r\n");
        var buffer = OneBytePerSegment(wire);

        Assert.True(RespParser.TryParse(buffer, out var first, out var consumed));
        Assert.Equal("hello world", first.AsString());
        Assert.True(RespParser.TryParse(buffer.Slice(consumed), out var second, out _));
        Assert.Equal(7, second.Integer);
    }

    [Theory]
    [InlineData("?what\r\n")]
    [InlineData(":12x\r\n")]
    [InlineData("$3\r\nabcd\r\n")]
    [InlineData("$-5\r\n")]
    public void GarbageIsAProtocolError(string wire) =>
        Assert.Throws<RedisProtocolException>(() => ParseWhole(wire));

    private static RedisReply ParseWhole(string wire)
    {
        var bytes = Encoding.UTF8.GetBytes(wire);
        Assert.True(RespParser.TryParse(new ReadOnlySequence<byte>(bytes), out var reply, out var consumed));
        Assert.Equal(bytes.Length, new ReadOnlySequence<byte>(bytes).Slice(0, consumed).Length);
        return reply;
    }

    private static ReadOnlySequence<byte> OneBytePerSegment(byte[] bytes)
    {
        var first = new Segment(bytes.AsMemory(0, 1), 0);
        var last = first;
        for (var i = 1; i < bytes.Length; i++) last = last.Append(bytes.AsMemory(i, 1));
        return new ReadOnlySequence<byte>(first, 0, last, 1);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
