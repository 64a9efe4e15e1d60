using ZeroLagHub.Projections.Redis;

namespace ZeroLagHub.Projections.Tests.Redis;

public sealed class RedisOptionsTests
{
    [Fact]
    public void ParsesEndPointPasswordAndTimeouts()
    {
        var options = RedisOptions.Parse("redis.internal:6380, password=p@ss=word ,timeout=750,connectTimeout=3000");

        Assert.Equal(("redis.internal", 6380, "p@ss=word"), (options.Host, options.Port, options.Password));
        Assert.Equal(TimeSpan.FromMilliseconds(750), options.CommandTimeout);
        Assert.Equal(TimeSpan.FromSeconds(3), options.ConnectTimeout);
    }

    [Fact]
    public void ThePasswordNeverAppearsInToString() =>
        Assert.Equal("h:1,password=***", RedisOptions.Parse("h:1,password=topsecret").ToString());

    [Fact]
    public void AnAclUserIsParsedAndShownButItsPasswordIsNot()
    {
        var options = RedisOptions.Parse("h:1,user=zlh_api,password=topsecret");

        Assert.Equal(("zlh_api", "topsecret"), (options.User, options.Password));
        Assert.Equal("h:1,user=zlh_api,password=***", options.ToString());
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("localhost", "host:port")]
    [InlineData("localhost:0", "host:port")]
    [InlineData("localhost:70000", "host:port")]
    [InlineData("localhost:6379,timeout=-1", "positive number of milliseconds")]
    [InlineData("localhost:6379,ssl=true", "unknown")]
    [InlineData("localhost:6379,user=,password=x", "'user' is empty")]
    public void MalformedConnectionsSayWhatToFix(string connection, string hint) =>
        Assert.Contains(hint, Assert.Throws<FormatException>(() => RedisOptions.Parse(connection)).Message);
}
