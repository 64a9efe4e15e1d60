using JasperFx;
using ZeroLagHub.Api.Anchoring;
using ZeroLagHub.Api.Artifacts;
using ZeroLagHub.Api.Artifacts.Building;
using ZeroLagHub.Api.Audit;
using ZeroLagHub.Api.Auth;
using ZeroLagHub.Api.Console;
using ZeroLagHub.Api.Containers;
using ZeroLagHub.Api.Deployments;
using ZeroLagHub.Api.Extensions;
using ZeroLagHub.Api.Headers;
using ZeroLagHub.Api.Health;
using ZeroLagHub.Api.Http;
using ZeroLagHub.Api.Ide;
using ZeroLagHub.Api.Idempotency;
using ZeroLagHub.Api.Hosts.Proxmox.Enrollment;
using ZeroLagHub.Api.Operations;
using ZeroLagHub.Api.Problems;
using ZeroLagHub.Api.Status;
using ZeroLagHub.Api.Status.Stream;
using ZeroLagHub.Api.Storage.Bootstrap;
using ZeroLagHub.Api.Storage.LegacyEvents;

// The ZeroLagHub control plane. Configuration: appsettings.json, then ZLH_* environment variables
// (ZLH_POSTGRES, ZLH_REDIS, ZLH_URLS). Registration lives in Extensions/.
// `bootstrap` (run once, with a superuser): the API's role and schemas; see Storage/Bootstrap.
if (args is ["bootstrap"])
{
    Environment.ExitCode = await BootstrapCommand.RunAsync(System.Console.Out, System.Console.Error);
    return;
}

var builder = WebApplication.CreateBuilder(args);
builder.Configuration.AddEnvironmentVariables(prefix: "ZLH_");
builder.AddZeroLagHub();
// No "Server: Kestrel": it tells a caller what to try, and nobody else needs it.
builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);

var app = builder.Build();
// `migrate-events` (once, every node stopped): copies the previous version's events into Marten, with the
// API's own services but without starting it; see Storage/LegacyEvents.
if (args is ["migrate-events"])
{
    Environment.ExitCode = await MigrateEventsCommand.RunAsync(app.Services, System.Console.Out, System.Console.Error);
    return;
}
// The command routes (Wolverine.Http, see Http/CommandEndpoints.cs): mapped before `codegen`, which writes their code too.
app.MapCommandEndpoints();
// `codegen write` (after changing a message handler, an endpoint or Wolverine's options): the code Wolverine runs,
// pre-generated into Internal/Generated and committed (the API ships without Roslyn). See Messaging/.
if (args is ["codegen", ..])
{
    Environment.ExitCode = await app.RunJasperFxCommands(args);
    return;
}
// First, so that every answer gets them: errors, redirects and the IDE's host mode included.
app.UseSecurityHeaders();
app.UseExceptionHandler();
app.UseStatusCodePages();
// Console sockets are accepted here (the IDE's are tunnelled by the forwarder, which needs no middleware).
app.UseWebSockets();
// Host mode (Ide:HostPattern): the IDE's own hosts never reach the API's endpoints.
app.UseIdeHostMode();
// The portal's scripts and styles (Portal:Enabled), anonymous like any site's: before authentication.
app.UsePortalStaticFiles();
// Explicit, so that authentication runs inside the exception handler. The fallback policy makes every
// endpoint require an access token unless it calls AllowAnonymous() (see Extensions/AuthRegistration.cs).
app.UseAuthentication();
app.UseAuthorization();
// With the portal's cookie, a state change needs its CSRF token (Portal/Csrf).
app.UsePortalCsrfCheck();
// Request bodies: capped, NUL-free, unreadable ones answered by field and audited (Problems/RequestBodyGuard.cs).
app.UseMiddleware<RequestBodyGuard>();
// After authorization and the body guard: an Idempotency-Key is the user's, bound to the first request sent
// with it (a body the guard refused claims its key there).
app.UseMiddleware<IdempotencyKeyCheck>();

// The OpenAPI document (/openapi/v1.json) describes the API to anyone, like the README does.
app.MapOpenApi().AllowAnonymous();
app.MapHealthApi();
app.MapArtifactsApi();
app.MapArtifactBuildApi();
app.MapAuthApi();
app.MapContainersApi();
app.MapStatusApi();
app.MapStatusStreamApi();
app.MapDeploymentsApi();
app.MapIdeApi();
app.MapConsoleApi();
app.MapAuditApi();
app.MapAnchorsApi();
app.MapOperationsApi();
if (app.Configuration["Hosts:Default"] == "proxmox") app.MapAgentEnrollment();
// The users' portal at / (Portal:Enabled): Razor Pages whose scripts call the routes above.
app.MapPortal();

app.Run();

/// <summary>Visible to WebApplicationFactory in the functional tests.</summary>
public partial class Program;
