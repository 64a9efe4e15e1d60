using Microsoft.Extensions.Options;
using ZeroLagHub.Api.Artifacts;
using ZeroLagHub.Api.Artifacts.Building;
using System.Security.Cryptography;
using ZeroLagHub.Api.Auth.Tokens;

namespace ZeroLagHub.Api.Hosts.Local;

public static class LocalHostRegistration
{
    /// <summary>The artifact server and the local container host (the embedded default).</summary>
    public static WebApplicationBuilder AddLocalContainers(this WebApplicationBuilder builder, string dataDirectory)
    {
        var services = builder.Services;
        services.AddOptions<ArtifactOptions>().Bind(builder.Configuration.GetSection("Artifacts"))
            .PostConfigure(o => o.Directory = o.Directory.Length > 0 ? o.Directory : Path.Combine(dataDirectory, "artifacts"));
        services.AddSingleton<ArtifactCatalog>();
        services.AddSingleton<ArtifactBuilder>();
        // Derived from the signing key, so there is one key file to guard and rotate, not two.
        services.AddSingleton(sp => new ArtifactTokens(
            HMACSHA256.HashData(sp.GetRequiredService<SigningKey>().ToSecurityKey().Key, "zlh-artifact-tokens"u8)));

        services.AddOptions<LocalHostOptions>().Bind(builder.Configuration.GetSection("Hosts:Local"))
            .PostConfigure(o => o.Root = o.Root.Length > 0 ? o.Root : Path.Combine(dataDirectory, "containers"));
        services.AddSingleton(sp => LocalSandbox.Detect(sp.GetRequiredService<IOptions<LocalHostOptions>>().Value.Sandbox));
        services.AddSingleton<LocalContainerStore>();
        services.AddSingleton<ApiLoopbackAddress>();
        services.AddSingleton<ArtifactRelay>();
        services.AddHttpClient("local-agents", c => c.Timeout = TimeSpan.FromSeconds(5))
            .ConfigurePrimaryHttpMessageHandler(AgentConnection.CreateHandler);
        services.AddSingleton<LocalContainerHost>();
        services.AddSingleton<IContainerHost>(sp => sp.GetRequiredService<LocalContainerHost>());
        services.AddHostedService<LocalHostLifetime>();
        return builder;
    }
}
