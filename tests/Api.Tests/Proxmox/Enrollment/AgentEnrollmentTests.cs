using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ZeroLagHub.Api.Hosts.Proxmox.Enrollment;

namespace ZeroLagHub.Api.Tests.Proxmox.Enrollment;

public sealed class AgentEnrollmentTests
{
    private readonly ManualTimeProvider _time = new();
    private readonly AgentEnrollment _enrollment;

    public AgentEnrollmentTests() => _enrollment = new AgentEnrollment(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray(), _time, TimeSpan.FromMinutes(10));

    [Fact]
    public void AnEnrollmentTokenBuysTheAgentTokenExactlyOnce()
    {
        var id = Guid.NewGuid();
        var token = _enrollment.Issue(id);

        var first = _enrollment.Redeem(id, token.Value);
        var second = _enrollment.Redeem(id, token.Value);

        Assert.Equal(_enrollment.AgentTokenFor(id), first.AgentToken);
        Assert.Null(second.AgentToken);
        Assert.Equal(EnrollmentFailure.AlreadyUsed, second.Failure);
    }

    [Fact]
    public void AnExpiredTokenIsWorthless()
    {
        var id = Guid.NewGuid();
        var token = _enrollment.Issue(id);
        _time.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(EnrollmentFailure.Expired, _enrollment.Redeem(id, token.Value).Failure);
    }

    [Fact]
    public void ANewTokenForTheSameContainerReplacesTheOldOne()
    {
        var id = Guid.NewGuid();
        var old = _enrollment.Issue(id);
        var fresh = _enrollment.Issue(id);
        Assert.Equal(EnrollmentFailure.Unknown, _enrollment.Redeem(id, old.Value).Failure);
        Assert.True(_enrollment.Redeem(id, fresh.Value).Succeeded);
    }

    [Fact]
    public void ATokenIsWorthlessForAnotherContainerAndAfterRevocation()
    {
        var (id, other) = (Guid.NewGuid(), Guid.NewGuid());
        var token = _enrollment.Issue(id);
        _enrollment.Issue(other);
        Assert.Equal(EnrollmentFailure.Unknown, _enrollment.Redeem(other, token.Value).Failure);
        _enrollment.Revoke(id);
        Assert.Equal(EnrollmentFailure.Unknown, _enrollment.Redeem(id, token.Value).Failure);
    }

    [Fact]
    public void AgentTokensDifferPerContainerAndPerKeyAndTokensNeverPrint()
    {
        var id = Guid.NewGuid();
        var otherKey = new AgentEnrollment(new byte[32], _time, TimeSpan.FromMinutes(1));
        Assert.Equal(_enrollment.AgentTokenFor(id), _enrollment.AgentTokenFor(id));
        Assert.NotEqual(_enrollment.AgentTokenFor(id), _enrollment.AgentTokenFor(Guid.NewGuid()));
        Assert.NotEqual(_enrollment.AgentTokenFor(id), otherKey.AgentTokenFor(id));

        var token = _enrollment.Issue(id);
        Assert.DoesNotContain(token.Value, token.ToString());
        var redemption = _enrollment.Redeem(id, token.Value);
        Assert.DoesNotContain(redemption.AgentToken!, redemption.ToString());
    }

    [Fact]
    public void AShortKeyIsRefused() =>
        Assert.Throws<ArgumentException>(() => new AgentEnrollment(new byte[16], _time, TimeSpan.FromMinutes(1)));

    [Fact]
    public async Task TheEnrollEndpointExchangesOnceAndAnswersProblemsOtherwise()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.AddProblemDetails();
        builder.Services.AddSingleton(_enrollment);
        await using var app = builder.Build();
        app.MapAgentEnrollment();
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()) };
        var id = Guid.NewGuid();
        var token = _enrollment.Issue(id);

        var ok = await http.PostAsJsonAsync("/api/agents/enroll", new { containerId = id, enrollmentToken = token.Value });
        var again = await http.PostAsJsonAsync("/api/agents/enroll", new { containerId = id, enrollmentToken = token.Value });
        var unknown = await http.PostAsJsonAsync("/api/agents/enroll", new { containerId = id, enrollmentToken = "guess" });
        var missing = await http.PostAsJsonAsync("/api/agents/enroll", new { containerId = id });

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(_enrollment.AgentTokenFor(id), (await ok.Content.ReadFromJsonAsync<AgentEnrollmentApi.EnrollResponse>())!.AgentToken);
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
