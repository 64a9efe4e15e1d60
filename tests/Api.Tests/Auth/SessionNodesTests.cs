using System.Net;
using Alba;
using Microsoft.Extensions.DependencyInjection;
using ZeroLagHub.Api.Auth;
using StackExchange.Redis;

namespace ZeroLagHub.Api.Tests.Auth;

/// <summary>
/// Two nodes' view of one session. The tests below: a logout on one node ends the session's access tokens on the
/// other, with Redis, without it, and after Redis lost its copy.
/// </summary>
internal static class SessionNodeSteps
{
    /// <summary>Generous: the refusal is expected at once; the bound only keeps a broken build from hanging.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    public static async Task<(IAlbaHost OnFirst, IAlbaHost OnSecond, TokenResponse Session)> LoggedInOnBothAsync(TwoNodes nodes)
    {
        var (onFirst, onSecond) = (nodes.First.Host, nodes.Second.Host);
        var name = AuthSteps.NewUsername();
        await onFirst.RegisterAsync(name);
        var session = await onFirst.LoginAsync(name);
        await onSecond.GetMeAsync(session.AccessToken, HttpStatusCode.OK);
        return (onFirst, onSecond, session);
    }

    /// <summary>Asks until the token is refused (or <see cref="Patience"/> runs out); returns the last status.</summary>
    public static async Task<HttpStatusCode> StatusOnceRefusedAsync(IAlbaHost node, string accessToken)
    {
        using var deadline = new CancellationTokenSource(Patience);
        while (true)
        {
            var status = (await node.GetMeAsync(accessToken, null)).Status();
            if (status == HttpStatusCode.Unauthorized || deadline.IsCancellationRequested) return status;
            await Task.Delay(20);
        }
    }
}

public sealed class SessionNodesTests(TwoNodes nodes) : IClassFixture<TwoNodes>
{
    [Fact]
    public async Task ALogoutOnOneNodeEndsTheAccessTokenOnTheOther()
    {
        var (onFirst, onSecond, session) = await SessionNodeSteps.LoggedInOnBothAsync(nodes);

        await onFirst.PostWithTokenAsync("/api/auth/logout", session.AccessToken, null, HttpStatusCode.NoContent);

        Assert.Equal(HttpStatusCode.Unauthorized, await SessionNodeSteps.StatusOnceRefusedAsync(onSecond, session.AccessToken));
        await onFirst.GetMeAsync(session.AccessToken, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task AReusedRefreshTokenOnOneNodeEndsTheAccessTokensOnTheOther()
    {
        var (onFirst, onSecond, session) = await SessionNodeSteps.LoggedInOnBothAsync(nodes);
        await onFirst.PostRefreshAsync(session.RefreshToken, HttpStatusCode.OK);

        await onFirst.PostRefreshAsync(session.RefreshToken, HttpStatusCode.Unauthorized);

        Assert.Equal(HttpStatusCode.Unauthorized, await SessionNodeSteps.StatusOnceRefusedAsync(onSecond, session.AccessToken));
    }
}

public sealed class SessionNodesWithoutRedisTests(TwoNodesWithoutRedis nodes) : IClassFixture<TwoNodesWithoutRedis>
{
    [Fact]
    public async Task WithRedisDownALogoutOnOneNodeStillEndsTheAccessTokenOnTheOther()
    {
        var (onFirst, onSecond, session) = await SessionNodeSteps.LoggedInOnBothAsync(nodes);

        await onFirst.PostWithTokenAsync("/api/auth/logout", session.AccessToken, null, HttpStatusCode.NoContent);

        Assert.Equal(HttpStatusCode.Unauthorized, await SessionNodeSteps.StatusOnceRefusedAsync(onSecond, session.AccessToken));
    }
}

public sealed class SessionNodesRedisLossTests(TwoNodesOnPrivateRedis nodes) : IClassFixture<TwoNodesOnPrivateRedis>
{
    [Fact]
    public async Task AnEndedSessionStaysEndedAfterRedisLosesItsCopy()
    {
        var (onFirst, onSecond, session) = await SessionNodeSteps.LoggedInOnBothAsync(nodes);
        var (_, _, other) = await SessionNodeSteps.LoggedInOnBothAsync(nodes);
        await onFirst.PostWithTokenAsync("/api/auth/logout", session.AccessToken, null, HttpStatusCode.NoContent);
        Assert.Equal(HttpStatusCode.Unauthorized, await SessionNodeSteps.StatusOnceRefusedAsync(onSecond, session.AccessToken));

        // What a Redis restart does here (no persistence): every key gone, the completeness marker too.
        await using (var admin = await ConnectionMultiplexer.ConnectAsync($"{nodes.Redis.ConnectionString},allowAdmin=true"))
            await admin.GetServers()[0].FlushAllDatabasesAsync();

        await onSecond.GetMeAsync(session.AccessToken, HttpStatusCode.Unauthorized);
        await onSecond.GetMeAsync(other.AccessToken, HttpStatusCode.OK);
        // The first check without the marker started a refill: the copy is whole again, and answers the same.
        var redis = nodes.First.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();
        using (var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
            while ((await redis.StringGetAsync("session-revocations:complete")).IsNull && !deadline.IsCancellationRequested) await Task.Delay(20);
        Assert.False((await redis.StringGetAsync("session-revocations:complete")).IsNull);
        await onFirst.GetMeAsync(session.AccessToken, HttpStatusCode.Unauthorized);
        await onFirst.GetMeAsync(other.AccessToken, HttpStatusCode.OK);
    }
}
