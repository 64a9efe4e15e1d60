using ZeroLagHub.Agent.CodeServer;
using ZeroLagHub.Agent.Commands;
using ZeroLagHub.Agent.Console;
using ZeroLagHub.Agent.Files;
using ZeroLagHub.Agent.Ide;
using ZeroLagHub.Agent.Install;
using ZeroLagHub.Agent.Journal;
using ZeroLagHub.Agent.Provisioning;
using ZeroLagHub.Agent.Server;

namespace ZeroLagHub.Agent.Hosting;

public static class AgentRegistration
{
    /// <summary>Configuration, logging and the agent's services; Program.cs stays a table of contents.</summary>
    public static WebApplicationBuilder AddAgent(this WebApplicationBuilder builder, string[] args)
    {
        var configFile = args.SkipWhile(a => a != "--config").Skip(1).FirstOrDefault()
            ?? Environment.GetEnvironmentVariable("ZLH_AGENT_CONFIG");
        if (configFile is not null) builder.Configuration.AddJsonFile(Path.GetFullPath(configFile), optional: false);
        builder.Configuration.AddEnvironmentVariables(prefix: "ZLH_AGENT_");

        SocketActivation.Configure(builder);
        builder.Services.AddOptions<AgentOptions>().Bind(builder.Configuration).Validate(o => { o.Validate(); return true; }).ValidateOnStart();
        builder.Services.AddProblemDetails();
        // Reflection-based JSON for the API's types even in a trimmed publish (whose default resolver
        // knows only ASP.NET's own types); the agent's assemblies are kept whole (TrimMode=partial).
        builder.Services.ConfigureHttpJsonOptions(o =>
            o.SerializerOptions.TypeInfoResolverChain.Add(new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver()));
        // Bad input is a 400 in every environment (Development would otherwise throw and answer 500).
        builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = false);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<AgentJournal>();
        builder.Services.AddSingleton<CommandLog>();
        builder.Services.AddSingleton<IdempotentCommandFilter>();
        builder.Services.AddSingleton<ProvisionStateStore>();
        builder.Services.AddSingleton<CodeServerLocator>();
        builder.Services.AddOptions<FilesOptions>().Bind(builder.Configuration.GetSection("Files"));
        builder.Services.AddSingleton<FileTree>();
        // Artifacts can be large and the artifact server slow; per-step failures are reported, not hung on forever.
        builder.Services.AddHttpClient<ArtifactClient>(c => c.Timeout = TimeSpan.FromMinutes(30))
            .ConfigurePrimaryHttpMessageHandler(sp => ArtifactClient.CreateHandler(sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<AgentOptions>>().Value));
        builder.Services.AddSingleton<ArtifactInstaller>();
        builder.Services.AddSingleton<Provisioner>();
        builder.Services.AddSingleton<CodeServerSupervisor>();
        // A code-server an older agent left on a loopback port is moved to its socket at start-up.
        builder.Services.AddHostedService<CodeServerOnSocketAtStart>();
        builder.Services.AddOptions<ConsoleOptions>().Bind(builder.Configuration.GetSection("Console"));
        builder.Services.AddSingleton<ConsoleSessions>();
        builder.Services.AddOptions<ServerOptions>().Bind(builder.Configuration.GetSection("Server"));
        builder.Services.AddSingleton<ServerSupervisor>();
        // Reattaches to a held game server at start-up; on shut-down lets go of it without stopping it.
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ServerSupervisor>());
        // /ide → code-server on its Unix socket: YARP's IHttpForwarder, direct forwarding (no route table).
        builder.Services.AddHttpForwarder();
        builder.Services.AddSingleton<CodeServerHop>();

        builder.Logging.ClearProviders();
        // YARP logs every forwarded URL (with code-server's query: its reconnection tokens) at Information.
        builder.Logging.AddFilter("Yarp", LogLevel.Warning);
        builder.Logging.AddConsole(o => o.FormatterName = ContainerJsonFormatter.Name)
            .AddConsoleFormatter<ContainerJsonFormatter, Microsoft.Extensions.Logging.Console.ConsoleFormatterOptions>();
        return builder;
    }
}
