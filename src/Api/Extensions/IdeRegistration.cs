using ZeroLagHub.Api.Auth.SingleUse;
using ZeroLagHub.Api.Console;
using ZeroLagHub.Api.Ide;
using ZeroLagHub.Api.Ide.Sessions;
using ZeroLagHub.Api.Ide.Hop;

namespace ZeroLagHub.Api.Extensions;

public static class IdeRegistration
{
    /// <summary>The IDE and console hops to the agents: single-use tokens, IDE sessions, the forwarder and the console relay.</summary>
    public static WebApplicationBuilder AddIdeAndConsole(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.Configure<IdeOptions>(builder.Configuration.GetSection(IdeOptions.Section));
        services.AddSingleton<IdeHostPatternHolder>();
        services.AddSingleton<SingleUseTokens>();
        services.AddSingleton<ContainerTokens>();
        services.AddSingleton<IdeSessions>();
        services.AddSingleton<IdeGate>();
        services.AddSingleton<IdeProxy>();
        services.AddSingleton<ConsoleRelay>();
        // YARP's IHttpForwarder (direct forwarding, no route table) over one pooled client to the agents.
        services.AddHttpForwarder();
        services.AddSingleton<AgentHopClient>();
        services.AddSingleton<AgentHop>();
        // YARP logs every forwarded URL (its query too: code-server's reconnection tokens) at Information, and
        // each request twice: its warnings and errors are all we want.
        builder.Logging.AddFilter("Yarp", LogLevel.Warning);
        services.AddSingleton<IdeHousekeeping>();
        services.AddHostedService(sp => sp.GetRequiredService<IdeHousekeeping>());
        return builder;
    }
}
