using System.Text.Json;
using JasperFx;
using JasperFx.Events;
using IEventStore = ZeroLagHub.Projections.Events.IEventStore;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using JasperFx.Events.Daemon.HighWater;
using Marten.Events.Daemon.HighWater;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Weasel.Core;
using ZeroLagHub.Api.Messaging;
using ZeroLagHub.Api.Audit.Chain;
using ZeroLagHub.Api.ReadModels;
using ZeroLagHub.Domain;
using ZeroLagHub.Domain.Containers;
using ZeroLagHub.Domain.Deployments;
using ZeroLagHub.Projections.Events;
using ZeroLagHub.Projections.Marten;
using OurProjection = ZeroLagHub.Projections.ReadModels.IProjection;
using OurLifecycle = ZeroLagHub.Projections.ReadModels.ProjectionLifecycle;

namespace ZeroLagHub.Api.Storage.Marten;

/// <summary>
/// Marten, configured in this one place: the event store (Guid streams, metadata, the domain's event
/// names), the projections, and the async daemon.
/// </summary>
public static class MartenRegistration
{
    /// <summary>
    /// How often a standby node tries to take the daemon over. With the leader's advisory lock freed when
    /// its session ends, a killed node's projections resume elsewhere within this plus a start-up.
    /// </summary>
    public static readonly TimeSpan LeadershipPolling = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Adds Marten over the API's <see cref="NpgsqlDataSource"/> with the daemon in <see cref="DaemonMode.HotCold"/>:
    /// every async projection runs on the one node holding the daemon's lock, and another takes over when it dies.
    /// The read models (<see cref="OurProjection"/>) must be registered before.
    /// </summary>
    /// <returns>Marten's registration, for the API to integrate Wolverine with (<see cref="WolverineRegistration.IntegrateWith"/>):
    /// a host without Wolverine (tools, tests, benchmarks) must not, since the daemon would then look for Wolverine's runtime.</returns>
    public static MartenServiceCollectionExtensions.MartenConfigurationExpression AddMartenEventStore(this IServiceCollection services)
    {
        services.AddSingleton(Folds);
        // Before the daemon's hosted service (added by AddAsyncDaemon): the tables it writes must exist.
        services.AddHostedService<ReadModelSetup>();
        // The daemon's wake-up (its LISTEN connection is closed with the container) and what signals it.
        services.AddSingleton(sp => new DaemonWakeup(new PostgresqlListenWakeup(sp.GetRequiredService<NpgsqlDataSource>(),
            sp.GetRequiredService<ILogger<PostgresqlListenWakeup>>())));
        services.AddSingleton(sp => new AppendNotifier(sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<ILogger<AppendNotifier>>(),
            sp.GetRequiredService<DaemonWakeup>()));
        var marten = services.AddMarten(sp => Options(sp.GetRequiredService<NpgsqlDataSource>(), sp.GetServices<OurProjection>(),
                sp.GetRequiredService<AppendNotifier>(), sp.GetRequiredService<DaemonWakeup>()))
            .AddAsyncDaemon(DaemonMode.HotCold);
        services.AddSingleton<ReadModelAdmin>();
        services.AddHostedService<ReadModelRebuilder>();
        services.AddHostedService<ShardControl>();
        services.AddSingleton<MartenEventStore>();
        services.AddSingleton<IEventStore>(sp => sp.GetRequiredService<MartenEventStore>());
        return marten;
    }

    /// <summary>The domain's aggregates, folded live by Marten.</summary>
    public static DomainFolds Folds { get; } = new DomainFolds()
        .Add(new DomainFold<ContainerState>(ContainerState.Initial, Container.Evolve))
        .Add(new DomainFold<DeploymentState>(DeploymentState.Initial, Deployment.Evolve));

    /// <summary>A store outside a host (tools, tests, benchmarks), configured as the API's.</summary>
    public static DocumentStore CreateStore(NpgsqlDataSource dataSource, IEnumerable<OurProjection>? readModels = null) =>
        new(Options(dataSource, readModels ?? []));

    /// <summary>The store's options; public so tests and benchmarks build the very same store.</summary>
    /// <param name="notifier">Wakes the daemon after appends; one of its own (not logging) when not given.</param>
    /// <param name="wakeup">The daemon's wake-up; one of its own (LISTEN only, never disposed) when not given.</param>
    public static StoreOptions Options(NpgsqlDataSource dataSource, IEnumerable<OurProjection> readModels,
        AppendNotifier? notifier = null, IDaemonWakeup? wakeup = null)
    {
        var opts = new StoreOptions();
        opts.Connection(dataSource);
        opts.DatabaseSchemaName = MartenSchema.Name;
        // Created explicitly at start-up (SchemaMigration applies every configured change once, under
        // Marten's advisory lock), never lazily on a request.
        opts.AutoCreateSchemaObjects = AutoCreate.None;
        // The payloads as our previous store wrote them (web defaults: camelCase, case-insensitive reads).
        opts.UseSystemTextJsonForSerialization(new JsonSerializerOptions(JsonSerializerDefaults.Web), EnumStorage.AsInteger, Casing.CamelCase);

        var events = opts.Events;
        events.StreamIdentity = StreamIdentity.AsGuid;
        events.MetadataConfig.CorrelationIdEnabled = true;
        events.MetadataConfig.CausationIdEnabled = true;
        events.MetadataConfig.HeadersEnabled = true;
        // Not implied by EnableAll() in 9.62: without it the user_name column is never created.
        events.MetadataConfig.UserNameEnabled = true;
        // Low daemon latency without a NOTIFY inside every append transaction (PostgreSQL serialises the commits
        // of transactions that notified): Marten's per-append NOTIFY stays off, the AppendNotifier sends one
        // coalesced NOTIFY after commits, and the daemon listens on Marten's channel through the supported
        // DaemonSettings.Wakeup hook (set only while UseListenNotifyForEventAppends is off; Marten replaces it otherwise).
        events.UseListenNotifyForEventAppends = false;
        opts.Listeners.Add(notifier ?? new AppendNotifier(dataSource, NullLogger.Instance));
        opts.Projections.Wakeup = wakeup ?? new DaemonWakeup(new PostgresqlListenWakeup(dataSource, NullLogger.Instance));
        // Agent status and the event a faulted agent stopped at, in mt_event_progression: what the
        // operators' endpoints read from any node, not only from the one running the daemon.
        events.EnableExtendedProgressionTracking = true;
        EventNames.Register(events, DomainEvents.All);
        // Tamper evidence: every event linked into its stream's hash chain by a trigger, whoever appends.
        opts.AddHashChain();

        // Gap safety: UseTransactionEvidenceForGapSkipping stays on (the default) and no skip past a live
        // transaction is configured, so an event that commits late is projected late, never skipped.
        opts.Projections.UseTransactionEvidenceForGapSkipping = true;
        // A poison event stops its own read model's agent (faulted, shown to operators, retried or skipped
        // by them); the others go on.
        opts.Projections.Errors.SkipApplyErrors = false;
        opts.Projections.Errors.SkipUnknownEvents = false;
        opts.Projections.Errors.SkipSerializationErrors = false;
        opts.Projections.LeadershipPollingTime = (int)LeadershipPolling.TotalMilliseconds;
        foreach (var readModel in readModels)
        {
            var lifecycle = readModel.Lifecycle == OurLifecycle.Inline ? ProjectionLifecycle.Inline : ProjectionLifecycle.Async;
            opts.Projections.Add(new SqlReadModelProjection(readModel), lifecycle, readModel.Name);
        }
        foreach (var fold in Folds.All)
            AddLive(opts, (dynamic)fold);
        return opts;
    }

    private static void AddLive<TState>(StoreOptions opts, DomainFold<TState> fold) =>
        opts.Projections.Add(fold, ProjectionLifecycle.Live);
}
