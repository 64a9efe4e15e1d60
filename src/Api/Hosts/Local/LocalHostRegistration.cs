using Microsoft.Extensions.Options;
using ZeroLagHub.Api.Artifacts;
using ZeroLagHub.Api.Secrets;

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
        services.AddSingleton(_ => new ArtifactTokens(SecretFile.LoadOrCreate(Path.Combine(dataDirectory, "artifacts.key"))));

        services.AddOptions<LocalHostOptions>().Bind(builder.Configuration.GetSection("Hosts:Local"))
            .PostConfigure(o => o.Root = o.Root.Length > 0 ? o.Root : Path.Combine(dataDirectory, "containers"));
        services.AddSingleton(sp => LocalSandbox.Detect(sp.GetRequiredService<IOptions<LocalHostOptions>>().Value.Sandbox));
        services.AddSingleton<LocalContainerStore>();
        services.AddSingleton<ApiLoopbackAddress>();
        services.AddHttpClient("local-agents", c => c.Timeout = TimeSpan.FromSeconds(5));
        services.AddSingleton<LocalContainerHost>();
        services.AddSingleton<IContainerHost>(sp => sp.GetRequiredService<LocalContainerHost>());
        services.AddHostedService<LocalHostLifetime>();
        return builder;
    }
}
