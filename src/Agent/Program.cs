using ZeroLagHub.Agent.Auth;
using ZeroLagHub.Agent.CodeServer;
using ZeroLagHub.Agent.Files;
using ZeroLagHub.Agent.Health;
using ZeroLagHub.Agent.Hosting;
using ZeroLagHub.Agent.Ide;
using ZeroLagHub.Agent.Journal;
using ZeroLagHub.Agent.Provisioning;
using ZeroLagHub.Agent.Status;

// The agent inside every container: authoritative for what runs there. Configuration: a JSON file
// (--config or ZLH_AGENT_CONFIG), then ZLH_AGENT_* environment variables. Registration: Hosting/.
if (args is ["--version"])
{
    Console.WriteLine($"zlh-agent {HealthApi.Version}");
    return;
}

var builder = WebApplication.CreateBuilder(args);
builder.AddAgent(args);

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseMiddleware<AgentTokenMiddleware>();

app.MapHealthApi();
app.MapStatusApi();
app.MapJournalApi();
app.MapFilesApi();
app.MapProvisionApi();
app.MapCodeServerApi();
app.MapIdeApi();

app.Run();

/// <summary>Visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
