using ZeroLagHub.Api.Artifacts;
using ZeroLagHub.Api.Extensions;
using ZeroLagHub.Api.Health;

// The ZeroLagHub control plane. Configuration: appsettings.json, then ZLH_* environment variables
// (ZLH_POSTGRES, ZLH_REDIS, ZLH_URLS). Registration lives in Extensions/.
var builder = WebApplication.CreateBuilder(args);
builder.Configuration.AddEnvironmentVariables(prefix: "ZLH_");
builder.AddZeroLagHub();

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();

app.MapHealthApi();
app.MapArtifactsApi();

app.Run();

/// <summary>Visible to WebApplicationFactory in the functional tests.</summary>
public partial class Program;
