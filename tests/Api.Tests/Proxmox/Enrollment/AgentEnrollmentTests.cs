using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ZeroLagHub.Api.Artifacts;
using ZeroLagHub.Api.Hosts.Proxmox;
using ZeroLagHub.Api.Hosts.Proxmox.Enrollment;

namespace ZeroLagHub.Api.Tests.Proxmox.Enrollment;

/// <summary>Enrollment tokens in PostgreSQL; two <see cref="AgentEnrollment"/> instances on one database are two API nodes.</summary>
public sealed class AgentEnrollmentTests(ApiSchemaDatabase db) : IClassFixture<ApiSchemaDatabase>
{
    private static readonly byte[] Key = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];
    private readonly ManualTimeProvider _time = new();

    private AgentEnrollment Node(TimeProvider? time = null) => new(Key, db.DataSource, time ?? _time, TimeSpan.FromMinutes(10));

    [Fact]
    public async Task AnEnrollmentTokenBuysTheAgentTokenExactlyOnce()
    {
        var enrollment = Node();
        var id = Guid.NewGuid();
        var token = await enrollment.IssueAsync(id, default);

        var first = await enrollment.RedeemAsync(id, token.Value, default);
        var second = await enrollment.RedeemAsync(id, token.Value, default);

        Assert.Equal(enrollment.AgentTokenFor(id), first.AgentToken);
        Assert.Null(second.AgentToken);
        Assert.Equal(EnrollmentFailure.AlreadyUsed, second.Failure);
    }

    [Fact]
    public async Task TwoApiNodesRacingForOneTokenEnrollExactlyOnce()
    {
        var (issuer, other) = (Node(TimeProvider.System), Node(TimeProvider.System));
        var id = Guid.NewGuid();
        var token = await issuer.IssueAsync(id, default);

        // Many exchanges at once through both "nodes": the database lets exactly one through.
        var attempts = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => (i % 2 == 0 ? issuer : other).RedeemAsync(id, token.Value, default)));

        Assert.Single(attempts, a => a.Succeeded);
        Assert.All(attempts.Where(a => !a.Succeeded), a => Assert.Equal(EnrollmentFailure.AlreadyUsed, a.Failure));
    }

    [Fact]
    public async Task ATokenIssuedOnOneNodeIsAcceptedOnAnotherAndThenWorthlessOnBoth()
    {
        var (first, second) = (Node(), Node());
        var id = Guid.NewGuid();
        var token = await first.IssueAsync(id, default);

        Assert.True((await second.RedeemAsync(id, token.Value, default)).Succeeded);
        Assert.Equal(EnrollmentFailure.AlreadyUsed, (await first.RedeemAsync(id, token.Value, default)).Failure);
        Assert.Equal(EnrollmentFailure.AlreadyUsed, (await second.RedeemAsync(id, token.Value, default)).Failure);
    }

    [Fact]
    public async Task AnExpiredTokenIsWorthlessAndIsNotConsumedByTheAttempt()
    {
        var enrollment = Node();
        var id = Guid.NewGuid();
        var token = await enrollment.IssueAsync(id, default);
        _time.Advance(TimeSpan.FromMinutes(10));

        Assert.Equal(EnrollmentFailure.Expired, (await enrollment.RedeemAsync(id, token.Value, default)).Failure);
        Assert.Equal(0L, await db.ScalarAsync($"SELECT count(*) FROM zlh.enrollment_tokens WHERE container_id = '{id}' AND used_at IS NOT NULL"));
    }

    [Fact]
    public async Task OnlyTheHashIsStored()
    {
        var id = Guid.NewGuid();
        var token = await Node().IssueAsync(id, default);

        var stored = (byte[])(await db.ScalarAsync($"SELECT token_hash FROM zlh.enrollment_tokens WHERE container_id = '{id}'"))!;

        Assert.Equal(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token.Value)), stored);
        Assert.Equal(0L, await db.ScalarAsync($"SELECT count(*) FROM zlh.enrollment_tokens WHERE position(convert_to('{token.Value}', 'UTF8') in token_hash) > 0"));
    }

    [Fact]
    public async Task ExpiredRowsAreDeletedADayAfterExpiryWhenTheNextTokenIsIssued()
    {
        var enrollment = Node();
        var (old, recent) = (Guid.NewGuid(), Guid.NewGuid());
        await enrollment.IssueAsync(old, default);
        _time.Advance(TimeSpan.FromHours(12));
        await enrollment.IssueAsync(recent, default);
        _time.Advance(TimeSpan.FromHours(12) + TimeSpan.FromMinutes(11)); // old: expired a day and a minute ago; recent: 12 h ago

        await enrollment.IssueAsync(Guid.NewGuid(), default);

        Assert.Equal(0L, await db.ScalarAsync($"SELECT count(*) FROM zlh.enrollment_tokens WHERE container_id = '{old}'"));
        Assert.Equal(1L, await db.ScalarAsync($"SELECT count(*) FROM zlh.enrollment_tokens WHERE container_id = '{recent}'"));
    }

    [Fact]
    public async Task ANewTokenForTheSameContainerReplacesTheOldOneEvenAfterUse()
    {
        var enrollment = Node();
        var id = Guid.NewGuid();
        var old = await enrollment.IssueAsync(id, default);
        Assert.True((await enrollment.RedeemAsync(id, old.Value, default)).Succeeded);

        var fresh = await enrollment.IssueAsync(id, default);

        Assert.Equal(EnrollmentFailure.Unknown, (await enrollment.RedeemAsync(id, old.Value, default)).Failure);
        Assert.True((await enrollment.RedeemAsync(id, fresh.Value, default)).Succeeded);
    }

    [Fact]
    public async Task ATokenIsWorthlessForAnotherContainerAndAfterRevocation()
    {
        var enrollment = Node();
        var (id, other) = (Guid.NewGuid(), Guid.NewGuid());
        var token = await enrollment.IssueAsync(id, default);
        await enrollment.IssueAsync(other, default);

        Assert.Equal(EnrollmentFailure.Unknown, (await enrollment.RedeemAsync(other, token.Value, default)).Failure);
        await enrollment.RevokeAsync(id, default);
        Assert.Equal(EnrollmentFailure.Unknown, (await enrollment.RedeemAsync(id, token.Value, default)).Failure);
    }

    [Fact]
    public async Task AgentTokensDifferPerContainerAndPerKeyAndTokensNeverPrint()
    {
        var enrollment = Node();
        var id = Guid.NewGuid();
        var otherKey = new AgentEnrollment(new byte[32], db.DataSource, _time, TimeSpan.FromMinutes(1));
        Assert.Equal(enrollment.AgentTokenFor(id), Node().AgentTokenFor(id));
        Assert.NotEqual(enrollment.AgentTokenFor(id), enrollment.AgentTokenFor(Guid.NewGuid()));
        Assert.NotEqual(enrollment.AgentTokenFor(id), otherKey.AgentTokenFor(id));

        var token = await enrollment.IssueAsync(id, default);
        Assert.DoesNotContain(token.Value, token.ToString());
        var redemption = await enrollment.RedeemAsync(id, token.Value, default);
        Assert.DoesNotContain(redemption.AgentToken!, redemption.ToString());
    }

    [Fact]
    public void AShortKeyIsRefused() =>
        Assert.Throws<ArgumentException>(() => new AgentEnrollment(new byte[16], db.DataSource, _time, TimeSpan.FromMinutes(1)));

    [Fact]
    public async Task TheEnrollEndpointExchangesOnceAndAnswersProblemsOtherwise()
    {
        var enrollment = Node();
        var artifacts = new ArtifactTokens(new byte[32]);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.AddProblemDetails();
        builder.Services.AddSingleton(enrollment);
        builder.Services.AddSingleton(artifacts);
        builder.Services.AddSingleton(new ProxmoxHostOptions { EnrollmentUrl = "https://zlh.test/" });
        await using var app = builder.Build();
        app.MapAgentEnrollment();
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()) };
        var id = Guid.NewGuid();
        var token = await enrollment.IssueAsync(id, default);

        var ok = await http.PostAsJsonAsync("/api/agents/enroll", new { containerId = id, enrollmentToken = token.Value });
        var again = await http.PostAsJsonAsync("/api/agents/enroll", new { containerId = id, enrollmentToken = token.Value });
        var unknown = await http.PostAsJsonAsync("/api/agents/enroll", new { containerId = id, enrollmentToken = "guess" });
        var missing = await http.PostAsJsonAsync("/api/agents/enroll", new { containerId = id });

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var answer = (await ok.Content.ReadFromJsonAsync<AgentEnrollmentApi.EnrollResponse>())!;
        Assert.Equal(enrollment.AgentTokenFor(id), answer.AgentToken);
        Assert.Equal("https://zlh.test/artifacts/", answer.ArtifactServer);
        Assert.Equal(id, artifacts.Validate(answer.ArtifactToken));
        Assert.Equal(HttpStatusCode.Gone, again.StatusCode);
        Assert.Contains("already used", await again.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Contains("enrollmentToken", await missing.Content.ReadAsStringAsync());
        foreach (var problem in new[] { again, unknown, missing })
            Assert.Equal("application/problem+json", problem.Content.Headers.ContentType?.MediaType);
        await app.StopAsync();
    }
}
