using JasperFx;
using JasperFx.CodeGeneration;
using Marten;
using Wolverine.Marten;
using Wolverine;
using Wolverine.Configuration;
using Wolverine.ErrorHandling;
using Wolverine.Runtime.Handlers;
using ZeroLagHub.Api.Containers;
using ZeroLagHub.Api.Deployments;

namespace ZeroLagHub.Api.Messaging;

/// <summary>
/// Wolverine, configured in this one place: the handlers of the durable messages (the deployment process
/// manager, host and agent commands), their retries, and the code it runs them with. Its message store
/// (inbox, outbox, scheduled messages, dead letters) lives in <see cref="Schema"/>, through Marten
/// (<see cref="IntegrateWith"/>, on the event store's registration).
/// </summary>
public static class WolverineRegistration
{
    /// <summary>Wolverine's tables; the bootstrap creates the schema for the API's role, Wolverine its tables at start.</summary>
    public const string Schema = "wolverine";

    /// <summary>Cooldown retries on the node that took the message: an agent restarting, a host briefly busy.</summary>
    public static readonly TimeSpan[] Cooldowns = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3)];

    /// <summary>Then retries scheduled in the database (any node may run them), then the dead letters.</summary>
    public static readonly TimeSpan[] Scheduled = [TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30)];

    /// <summary>Every delivery a message gets: the first, the cooldowns, the scheduled retries.</summary>
    public static int MaxAttempts => 1 + Cooldowns.Length + Scheduled.Length;

    /// <summary>The messages on durable local queues, run in the background: retried, then dead-lettered.</summary>
    public static readonly IReadOnlyList<Type> DurableMessages = [typeof(AdvanceDeployment), typeof(HostCommand), typeof(AgentCommand)];

    /// <summary>Before the first hosted service that needs messaging: after SchemaMigration (Wolverine starts in registration order).</summary>
    public static WebApplicationBuilder AddMessaging(this WebApplicationBuilder builder)
    {
        builder.Host.UseWolverine(Configure);
        return builder;
    }

    /// <summary>
    /// Wolverine's inbox, outbox and dead letters in Marten's database, so that messages commit with the events.
    /// Marten creates nothing by itself (AutoCreate.None); Wolverine creates its tables at start.
    /// </summary>
    public static void IntegrateWith(MartenServiceCollectionExtensions.MartenConfigurationExpression marten) =>
        marten.IntegrateWithWolverine(w =>
        {
            w.MessageStorageSchemaName = Schema;
            w.AutoCreate = AutoCreate.CreateOrUpdate;
        });

    /// <summary>The options; public so that the generated-code test builds the very same handlers.</summary>
    public static void Configure(WolverineOptions opts)
    {
        opts.ServiceName = "zlh-api";
        opts.ApplicationAssembly = typeof(WolverineRegistration).Assembly;
        // Handlers are named, never found by convention.
        opts.Discovery.DisableConventionalDiscovery()
            .IncludeType<ContainerCommandHandler>()
            .IncludeType<DeploymentProcess>()
            .IncludeType<ContainerActions>();
        // Pre-generated handler code (Internal/Generated, written by scripts/wolverine-codegen.sh): the API
        // ships without Roslyn, and Dynamic mode needs it at start. A handler changed without regenerating
        // fails the start (a missing type) or the test that compares the committed code with a fresh write.
        opts.CodeGeneration.TypeLoadMode = TypeLoadMode.Static;
        opts.Policies.AutoApplyTransactions();
        // Every local queue is durable: a message is a row in the inbox until handled, so an API that dies
        // mid-deployment leaves it for another node (owned by one node at a time: never run twice at once).
        opts.Policies.UseDurableLocalQueues();
        opts.Policies.Add(new DurableMessageRetries());
        // A message nobody can handle (a type from a newer or older build) is kept for an operator, not dropped.
        opts.UnknownMessageBehavior = UnknownMessageBehavior.DeadLetterQueue;
        opts.Durability.DeadLetterQueueExpirationEnabled = false; // an operator replays or discards them
        // A stopping API lets running handlers finish for this long, then leaves their messages to another
        // node (or its own next start). Well within the host's 30 s shutdown, which Wolverine's default equals.
        opts.Durability.DrainTimeout = TimeSpan.FromSeconds(10);
    }

    /// <summary>
    /// Retries for the background messages only: a user's command (<see cref="SendContainerCommand"/>) runs
    /// inline under its request, and its failure is that request's answer, never a retry minutes later.
    /// </summary>
    private sealed class DurableMessageRetries : IHandlerPolicy
    {
        public void Apply(IReadOnlyList<HandlerChain> chains, GenerationRules rules, IServiceContainer container)
        {
            foreach (var chain in chains.Where(c => DurableMessages.Contains(c.MessageType)))
                chain.OnException<Exception>()
                    .RetryWithCooldown([.. Cooldowns])
                    .Then.ScheduleRetry([.. Scheduled])
                    .Then.MoveToErrorQueue();
        }
    }
}
