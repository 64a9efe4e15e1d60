using Microsoft.Extensions.Options;
using Npgsql;
using ZeroLagHub.Api.Anchoring;
using ZeroLagHub.Api.Audit;
using Marten;
using ZeroLagHub.Api.Audit.AsOf;
using ZeroLagHub.Api.Audit.Chain;
using ZeroLagHub.Api.Operations.DeadLetters;

namespace ZeroLagHub.Api.Extensions;

public static class AuditRegistration
{
    /// <summary>What auditors and operators read and do: the audit reader and trail, external anchoring and its schedule, dead letters.</summary>
    public static WebApplicationBuilder AddAuditAndOperations(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var data = ZeroLagHubRegistration.DataDirectory(builder.Configuration);
        services.Configure<AnchorOptions>(builder.Configuration.GetSection(AnchorOptions.Section));
        // Marten's store (IDocumentStore) is registered with the events (Storage/Marten).
        services.AddSingleton(sp => new ChainReader(sp.GetRequiredService<IDocumentStore>()));
        services.AddSingleton(sp => new ChainVerifier(sp.GetRequiredService<IDocumentStore>()));
        services.AddSingleton(sp => new StreamAsOf(sp.GetRequiredService<IDocumentStore>()));
        // The key file sits beside the auth key, never in the database: see Anchoring/AnchorKey.cs.
        services.AddSingleton(sp => AnchorKey.Load(Path.GetFullPath(
            sp.GetRequiredService<IOptions<AnchorOptions>>().Value.KeyFile is { Length: > 0 } file ? file : Path.Combine(data, "anchor-signing.key"))));
        services.AddSingleton(sp => new Anchors(sp.GetRequiredService<ChainReader>(), sp.GetRequiredService<AnchorKey>(),
            Path.GetFullPath(sp.GetRequiredService<IOptions<AnchorOptions>>().Value.Directory is { Length: > 0 } dir ? dir : Path.Combine(data, "anchors")),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<Anchors>>()));
        services.AddHostedService<AnchorSchedule>();
        services.AddSingleton<DeadLetterStore>();
        services.AddSingleton<AuditTrail>();
        return builder;
    }
}
