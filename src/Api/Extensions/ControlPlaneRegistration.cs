using ZeroLagHub.Api.Http;
using Npgsql;
using ZeroLagHub.Api.Agents;
using ZeroLagHub.Api.Commands;
using ZeroLagHub.Api.Containers;
using ZeroLagHub.Api.Deployments;
using ZeroLagHub.Api.Messaging;
using ZeroLagHub.Api.Storage.Marten;
using ZeroLagHub.Domain;
using ZeroLagHub.Projections.ReadModels;
using ZeroLagHub.Api.Storage.LegacyEvents;
using ZeroLagHub.Projections.Containers;
using ZeroLagHub.Projections.Crashes;
using ZeroLagHub.Projections.Deployments;
using ZeroLagHub.Projections.Status;

namespace ZeroLagHub.Api.Extensions;

public static class ControlPlaneRegistration
{
    /// <summary>Events, projections, the durable messages and their handlers, and the background runners.</summary>
    public static WebApplicationBuilder AddControlPlane(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton(_ => Types());
        services.AddSingleton<IProjection, ContainerDirectoryProjection>();
        services.AddSingleton<IProjection, DeploymentHistoryProjection>();
        services.AddSingleton<IProjection, ContainerStatusProjection>();
        services.AddSingleton<IProjection, CrashHistoryProjection>();

        services.AddSingleton<ControlPlaneTransaction>();
        services.AddSingleton<ContainerCommandHandler>();
        services.AddSingleton<ContainerQueries>();
        services.AddSingleton<DeploymentQueries>();
        services.AddHttpClient(AgentClient.HttpClientName, c => c.Timeout = TimeSpan.FromMinutes(10))
            .ConfigurePrimaryHttpMessageHandler(Hosts.AgentConnection.CreateHandler);   // local agents: their Unix sockets
        services.AddSingleton<AgentClient>();
        services.AddSingleton<StageRunner>();
        services.AddSingleton<DeploymentProcess>();
        services.AddSingleton<ContainerActions>();
        // Wolverine runs the handlers of the durable messages; after SchemaMigration, before the poller.
        builder.AddMessaging();
        builder.AddCommandEndpoints();
        WolverineRegistration.IntegrateWith(services.AddMartenEventStore());
        // After Marten's registration: the poller reads the container directory, whose tables ReadModelSetup creates.
        builder.AddAgentPoller();
        return builder;
    }

    /// <summary>Every event type by its stable name (the messages' names are their [MessageIdentity]).</summary>
    private static EventTypeRegistry Types()
    {
        var types = new EventTypeRegistry();
        foreach (var type in DomainEvents.All) types.Register(type.ClrType, type.Name, type.SchemaVersion);
        return types;
    }
}
