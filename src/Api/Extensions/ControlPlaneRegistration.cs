using Npgsql;
using ZeroLagHub.Api.Agents;
using ZeroLagHub.Api.Commands;
using ZeroLagHub.Api.Containers;
using ZeroLagHub.Api.Deployments;
using ZeroLagHub.Api.Storage.Marten;
using ZeroLagHub.Domain;
using ZeroLagHub.EventStore;
using ZeroLagHub.EventStore.Projections;
using ZeroLagHub.EventStore.Queue;
using ZeroLagHub.EventStore.Serialization;
using ZeroLagHub.Projections.Containers;
using ZeroLagHub.Projections.Crashes;
using ZeroLagHub.Projections.Deployments;
using ZeroLagHub.Projections.Status;

namespace ZeroLagHub.Api.Extensions;

public static class ControlPlaneRegistration
{
    /// <summary>Events, projections, the durable queue and its handlers, and the background runners.</summary>
    public static WebApplicationBuilder AddControlPlane(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton(_ => Types());
        services.AddSingleton<IProjection, ContainerDirectoryProjection>();
        services.AddSingleton<IProjection, DeploymentHistoryProjection>();
        services.AddSingleton<IProjection, ContainerStatusProjection>();
        services.AddSingleton<IProjection, CrashHistoryProjection>();
        services.AddSingleton(sp => new MessageQueue(sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<EventTypeRegistry>(),
            sp.GetRequiredService<ILogger<MessageQueue>>()));

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
        services.AddSingleton(sp =>
        {
            var deployments = sp.GetRequiredService<DeploymentProcess>();
            var actions = sp.GetRequiredService<ContainerActions>();
            return new MessageHandlers()
                .Register<AdvanceDeployment>(deployments.HandleAsync)
                .Register<HostCommand>(actions.HandleAsync)
                .Register<AgentCommand>(actions.HandleAsync);
        });
        services.AddSingleton(sp => new MessageWorker(sp.GetRequiredService<MessageQueue>(), sp.GetRequiredService<MessageHandlers>(),
            new MessageWorkerOptions(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<MessageWorker>>()));
        services.AddHostedService<ControlPlaneRunner>();
        services.AddMartenEventStore();
        // After Marten's registration: the poller reads the container directory, whose tables ReadModelSetup creates.
        builder.AddAgentPoller();
        return builder;
    }

    /// <summary>Every stored type by its stable name: the domain's events and the queue's messages.</summary>
    private static EventTypeRegistry Types()
    {
        var types = new EventTypeRegistry();
        foreach (var type in DomainEvents.All) types.Register(type.ClrType, type.Name, type.SchemaVersion);
        types.Register<AdvanceDeployment>("message.advance_deployment");
        types.Register<HostCommand>("message.host_command");
        types.Register<AgentCommand>("message.agent_command");
        return types;
    }
}
