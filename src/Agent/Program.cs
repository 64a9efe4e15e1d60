using ZeroLagHub.Agent.Auth;
using ZeroLagHub.Agent.CodeServer;
using ZeroLagHub.Agent.Console;
using ZeroLagHub.Agent.Files;
using ZeroLagHub.Agent.Health;
using ZeroLagHub.Agent.Holder;
using ZeroLagHub.Agent.Hosting;
using ZeroLagHub.Agent.Journal;
using ZeroLagHub.Agent.Provisioning;
using ZeroLagHub.Agent.Server;
using ZeroLagHub.Agent.Status;

// The agent inside every container: authoritative for what runs there. Configuration: a JSON file
// (--config or ZLH_AGENT_CONFIG), then ZLH_AGENT_* environment variables. Registration: Hosting/.
if (args is ["--version"])
{
    Console.WriteLine($"zlh-agent {HealthApi.Version}");
    return 0;
}

// The game server's holder: a detached process that outlives the agent. No web host, no configuration.
if (args is ["hold", var holderDir]) return await HolderProgram.RunAsync(holderDir);

var builder = WebApplication.CreateBuilder(args);
builder.AddAgent(args);

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseWebSockets();
app.UseMiddleware<AgentTokenMiddleware>();

app.MapHealthApi();
app.MapStatusApi();
app.MapJournalApi();
app.MapFilesApi();
app.MapProvisionApi();
app.MapCodeServerApi();
app.MapConsoleApi();
app.MapServerApi();

app.Run();
return 0;

/// <summary>Visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
