using ZeroLagHub.Projections.Redis;
using ZeroLagHub.Testing;

namespace ZeroLagHub.Projections.Tests.Redis;

/// <summary>
/// The API's Redis ACL user (scripts/services.sh) against a real redis-server: it authenticates as <c>AUTH user
/// password</c>, may do what the API does, and nothing an intruder with its password would want.
/// </summary>
public sealed class ApiRedisUserTests
{
    [Fact]
    public async Task TheApiUserAuthenticatesWithItsNameAndIsRefusedEverythingButTheApisCommands()
    {
        await using var server = await PrivateRedisServer.StartAsync();
        await using var api = new RedisConnection(RedisOptions.Parse(server.ApiConnectionString));

        await api.SetAsync("k", "v");
        Assert.Equal("v", await api.GetAsync("k"));
        foreach (RedisArgument[] command in (RedisArgument[][])[["FLUSHALL"], ["CONFIG", "GET", "requirepass"], ["KEYS", "*"], ["ACL", "LIST"], ["SHUTDOWN"]])
        {
            var refused = await Assert.ThrowsAsync<RedisServerException>(() => api.ExecuteAsync(command));
            Assert.StartsWith("NOPERM", refused.Message);
        }
        // Nor through a script: the ACL applies to what a script calls.
        var scripted = await Assert.ThrowsAsync<RedisServerException>(() => api.ExecuteAsync("EVAL", "return redis.call('FLUSHALL')", 0));
        Assert.Contains("can't run this command", scripted.Message);
        Assert.Equal("v", await api.GetAsync("k"));
    }

    [Fact]
    public async Task TheApiUsersNameWithAnotherPasswordIsAConnectionError()
    {
        await using var server = await PrivateRedisServer.StartAsync();
        await using var wrong = new RedisConnection(RedisOptions.Parse($"{server.EndPoint},user={ApiRedisUser.Name},password={server.Password}"));

        var refused = await Assert.ThrowsAsync<RedisConnectionException>(() => wrong.GetAsync("k"));

        Assert.DoesNotContain(server.Password, refused.Message);
    }
}
