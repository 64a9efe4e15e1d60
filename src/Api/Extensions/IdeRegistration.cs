using ZeroLagHub.Api.Auth.SingleUse;
using ZeroLagHub.Api.Console;
using ZeroLagHub.Api.Ide;
using ZeroLagHub.Api.Ide.Sessions;
using ZeroLagHub.Forwarding;

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
        services.AddHttpForwarder();
        services.AddSingleton<IdeHousekeeping>();
        services.AddHostedService(sp => sp.GetRequiredService<IdeHousekeeping>());
        return builder;
    }
}
