using System.Text.Json.Serialization;
using Npgsql;
using ZeroLagHub.Api.Hosts.Local;
using ZeroLagHub.Api.Hosts.Proxmox;
using ZeroLagHub.Api.Http;
using ZeroLagHub.Api.Problems;
using ZeroLagHub.Api.Storage;
using ZeroLagHub.Api.Storage.LegacyEvents;

namespace ZeroLagHub.Api.Extensions;

public static class ZeroLagHubRegistration
{
    /// <summary>Everything the API needs, in one place so Program.cs stays a table of contents.</summary>
    public static WebApplicationBuilder AddZeroLagHub(this WebApplicationBuilder builder)
    {
        var postgres = builder.Configuration["Postgres"];
        if (string.IsNullOrWhiteSpace(postgres))
            throw new InvalidOperationException(
                "No PostgreSQL configured: set ZLH_POSTGRES to an Npgsql connection string, or start everything with ./zlh.sh up");

        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = ProblemShape.Customize);
        // A field the API does not know is a 400 naming it (RequestBodyGuard), not silently dropped.
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow);
        // Binding failures are thrown in every environment and answered as a 400 that says what to fix.
        builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddExceptionHandler<BadRequestExceptionHandler>();
        // Wolverine.Http endpoints that read their own body declare it (Accepts); the document shows it.
        builder.Services.AddOpenApi(o => o.AddOperationTransformer<RequestBodyFromAccepts>().AddSchemaTransformer<NullableNotRequired>());
        builder.Services.AddSingleton(_ => EventStoreDataSource.Create(postgres));
        // Before anything else starts: every later service assumes the schema exists.
        builder.Services.AddHostedService<SchemaMigration>();
        // Refuses to start on a previous version's event tables until `migrate-events` has copied them into Marten.
        builder.Services.AddHostedService<LegacyEventsGuard>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddLocalContainers(DataDirectory(builder.Configuration));
        // The local host (and the artifact server) always exist; Proxmox, when chosen, replaces it as IContainerHost.
        switch (builder.Configuration["Hosts:Default"] ?? "local")
        {
            case "local": break;
            case "proxmox": builder.Services.AddProxmoxContainerHost(builder.Configuration); break;
            case var other: throw new InvalidOperationException($"Hosts:Default is '{other}': use local or proxmox");
        }
        builder.AddZeroLagHubAuth();
        builder.AddLiveStatus();
        builder.AddControlPlane();
        builder.AddStatusPublisher();
        builder.AddIdeAndConsole();
        builder.AddAuditAndOperations();
        builder.AddPortal();
        return builder;
    }

    /// <summary>
    /// The API's own files (keys, artifacts, local containers): <c>Data</c> (ZLH_DATA), else <c>api</c> under
    /// <c>Home</c> (ZLH_HOME, the one setting for all local state, as <c>./zlh.sh up</c> uses it), else /var/tmp/zlh/api.
    /// </summary>
    public static string DataDirectory(IConfiguration configuration)
    {
        var data = configuration["Data"];
        if (!string.IsNullOrWhiteSpace(data)) return Path.GetFullPath(data);
        var home = configuration["Home"];
        return Path.GetFullPath(Path.Combine(string.IsNullOrWhiteSpace(home) ? DefaultHome : home, "api"));
    }

    public const string DefaultHome = "/var/tmp/zlh";
}
