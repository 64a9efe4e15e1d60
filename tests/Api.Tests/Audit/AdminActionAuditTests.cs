using System.Net;
using Alba;
using System.Text.Json;
using ZeroLagHub.Api.Auth;
using ZeroLagHub.Api.Tests.Auth;

namespace ZeroLagHub.Api.Tests.Audit;

/// <summary>
/// Admin actions land in the command log (<c>/api/audit/commands</c>) with who, what they acted on and how it ended,
/// refusals included. (IDE and console sessions: IdeTests and ConsoleTests, which have containers to open.)
/// </summary>
public sealed class AdminActionAuditTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task ProjectionRebuildRetryAndSkipAreLogged()
    {
        var operatorId = Guid.NewGuid();
        var admin = api.TokenFor(operatorId, "operator", Role.User, Role.Admin);

        await api.SendAsync(admin, x => x.Post.Url("/api/admin/projections/crash_history/rebuild"), HttpStatusCode.Accepted);
        await api.ProblemShouldSayAsync(admin, x => x.Post.Url("/api/admin/projections/crash_history/retry"),
            HttpStatusCode.Conflict, "not faulted");
        await api.ProblemShouldSayAsync(admin, x => x.Post.Json(new { reason = " " }).ToUrl("/api/admin/projections/crash_history/skip"),
            HttpStatusCode.BadRequest, "reason");
        await api.ProblemShouldSayAsync(admin, x => x.Post.Json(new { reason = "poison event" }).ToUrl("/api/admin/projections/crash_history/skip"),
            HttpStatusCode.Conflict, "not faulted");

        var log = await CommandLog.ReadAsync(api, $"user={operatorId}");
        log.Reverse();
        Assert.Equal(
        [
            ("RebuildProjection", "projection crash_history", "accepted"),
            ("RetryProjection", "projection crash_history", "conflict"),
            ("SkipProjectionEvent", "projection crash_history", "rejected"),
            ("SkipProjectionEvent", "projection crash_history", "conflict"),
        ], log.Select(CommandLog.Summary));
        Assert.Contains("not faulted", log[1].GetProperty("reason").GetString());
        Assert.Contains("reason", log[2].GetProperty("reason").GetString());
    }

    [Fact]
    public async Task RetryingAFaultedProjectionIsLoggedAsAccepted()
    {
        // As Marten's daemon records a paused agent (extended progression tracking).
        Assert.Equal(1, await api.SqlAsync("""
            INSERT INTO events.mt_event_progression AS p (name, last_seq_id, agent_status, pause_reason)
            VALUES ('deployment_history:All', 0, 'Paused', 'injected by the test')
            ON CONFLICT (name) DO UPDATE SET agent_status = 'Paused', pause_reason = 'injected by the test'
            """));
        var operatorId = Guid.NewGuid();
        var admin = api.TokenFor(operatorId, "operator", Role.User, Role.Admin);

        await api.SendAsync(admin, x => x.Post.Url("/api/admin/projections/deployment_history/retry"), HttpStatusCode.Accepted);

        var log = await CommandLog.ReadAsync(api, $"user={operatorId}");
        Assert.Equal([("RetryProjection", "projection deployment_history", "accepted")], log.Select(CommandLog.Summary));
        Assert.Equal(JsonValueKind.Null, log[0].GetProperty("reason").ValueKind);
    }

    [Fact]
    public async Task DeadLetterReplayAndDiscardAreLogged()
    {
        var (replayed, discarded, missing) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        foreach (var id in (Guid[])[replayed, discarded])
            await ZeroLagHub.Api.Tests.Operations.PlantedDeadLetter.PlantAsync(api.Services, id);
        var operatorId = Guid.NewGuid();
        var admin = api.TokenFor(operatorId, "operator", Role.User, Role.Admin);

        await api.SendAsync(admin, x => x.Post.Url($"/api/admin/deadletters/{replayed}/replay"), HttpStatusCode.Accepted);
        await api.SendAsync(admin, x => x.Delete.Url($"/api/admin/deadletters/{discarded}"), HttpStatusCode.NoContent);
        await api.ProblemShouldSayAsync(admin, x => x.Post.Url($"/api/admin/deadletters/{missing}/replay"), HttpStatusCode.NotFound, "no dead letter");

        var log = await CommandLog.ReadAsync(api, $"user={operatorId}");
        log.Reverse();
        Assert.Equal(
        [
            ("ReplayDeadLetter", $"dead letter {replayed}", "accepted"),
            ("DiscardDeadLetter", $"dead letter {discarded}", "accepted"),
            ("ReplayDeadLetter", $"dead letter {missing}", "rejected"),
        ], log.Select(CommandLog.Summary));
        Assert.Contains("no dead letter", log[2].GetProperty("reason").GetString());
    }

    [Fact]
    public async Task RoleChangesAreLoggedWithTheRolesAskedFor()
    {
        var member = await api.Host.RegisterAsync(AuthSteps.NewUsername("member"));
        var operatorId = Guid.NewGuid();
        var admin = api.TokenFor(operatorId, "operator", Role.User, Role.Admin);

        await api.SendAsync(admin, x => x.Post.Json(new { roles = (string[])["auditor"] }).ToUrl($"/api/admin/users/{member.Id}/roles"), HttpStatusCode.OK);
        await api.SendAsync(admin, x => x.Post.Json(new { roles = (string[])["root"] }).ToUrl($"/api/admin/users/{member.Id}/roles"), HttpStatusCode.BadRequest);
        await api.SendAsync(admin, x => x.Post.Json(new { roles = (string[])[] }).ToUrl($"/api/admin/users/{operatorId}/roles"), HttpStatusCode.Conflict);

        var log = await CommandLog.ReadAsync(api, $"user={operatorId}");
        log.Reverse();
        Assert.Equal(
        [
            ("SetUserRoles", $"user {member.Id}: roles [auditor]", "accepted"),
            ("SetUserRoles", $"user {member.Id}: roles [root]", "rejected"),
            ("SetUserRoles", $"user {operatorId}: roles []", "conflict"),
        ], log.Select(CommandLog.Summary));
        Assert.Contains("unknown: root", log[1].GetProperty("reason").GetString());
    }

}
