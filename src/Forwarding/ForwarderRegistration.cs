using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ZeroLagHub.Forwarding;

public static class ForwarderRegistration
{
    /// <summary>One <see cref="HttpForwarder"/> per process over one pooled client (pooling is what makes a hop cheap).</summary>
    public static IServiceCollection AddHttpForwarder(this IServiceCollection services, TimeSpan? connectTimeout = null) =>
        services.AddSingleton(sp => new HttpForwarder(ForwarderClient.Create(connectTimeout), sp.GetRequiredService<ILogger<HttpForwarder>>()));
}
