using ZeroLagHub.Api.Commands;
using ZeroLagHub.Api.Containers;
using ZeroLagHub.Domain.Agent;
using ZeroLagHub.Domain.Containers;
using ZeroLagHub.Domain.Decisions;
using ZeroLagHub.Domain.Deployments;
using ZeroLagHub.Projections.Events;
using Wolverine;
using ZeroLagHub.Api.Messaging;

namespace ZeroLagHub.Api.Deployments;

/// <summary>
/// The deployment process manager: each <see cref="AdvanceDeployment"/> message runs one stage and,
/// in the transaction that records its outcome, enqueues the message for the next. The chain lives in
/// the database, so an API that stops mid-deployment leaves a message that any node picks up: the stage
/// in progress is run again (stages are idempotent) and the chain goes on.
/// </summary>
/// <remarks>
/// Steps: (1) load the deployment; stop if it is over. (2) Stop (cancel) if its container was deleted.
/// (3) Record the stage's start. (4) Run it. (5) Record its outcome on both streams and enqueue the next step.
/// A stage that throws (agent unreachable, host busy) is retried by Wolverine (<see cref="WolverineRegistration"/>);
/// on the last attempts it is recorded as failed instead, so a deployment always ends. The message's id, the
/// same on every retry, is the agent calls' idempotency key.
/// </remarks>
public sealed partial class DeploymentProcess(IEventStore store, ControlPlaneTransaction writer, StageRunner stages,
    TimeProvider time, ILogger<DeploymentProcess> logger)
{
    /// <summary>From this attempt on, a stage that throws is recorded as failed: the last two of <see cref="WolverineRegistration.MaxAttempts"/>.</summary>
    public static int FailOnAttempt => WolverineRegistration.MaxAttempts - 1;

    public async Task HandleAsync(AdvanceDeployment message, Envelope envelope, CancellationToken ct)
    {
        var id = message.DeploymentId;
        var context = new DecisionContext(time.GetUtcNow(), new RuntimeCatalog(null, null), Actor.System);

        // :: Step 1
        var deployment = await LoadAsync(id, ct);
        if (!deployment.State.Exists || deployment.State.IsTerminal || Deployment.NextStage(deployment.State) is not { } stage) return;

        // :: Step 2
        var container = await store.AggregateStreamAsync(Container.StreamId(deployment.State.ContainerId), ContainerState.Initial, Container.Evolve, ct: ct);
        if (container.State.Lifecycle == ContainerLifecycle.Deleted)
        {
            await AppendAsync(id, deployment.Version, Deployment.Decide(deployment.State, new CancelDeployment(), context), [], [], ct);
            return;
        }

        // :: Step 3
        if (deployment.State.CurrentStage != stage)
        {
            await AppendAsync(id, deployment.Version, Deployment.Decide(deployment.State, new StartStage(stage), context), [], [], ct);
            deployment = await LoadAsync(id, ct);
        }

        // :: Step 4
        StageOutcome outcome;
        try { outcome = await stages.RunAsync(stage, deployment.State, envelope.Id, ct); }
        catch (Exception e) when (envelope.Attempts >= FailOnAttempt && e is not OperationCanceledException)
        {
            // An unexpected failure's text may name .NET types and host paths: the log keeps it under a
            // reference the user sees in the stage's error instead.
            LogUnexpected(logger, e, id, stage, envelope.Id);
            var error = $"the stage failed unexpectedly {envelope.Attempts} times; the operator's log has the cause under reference {envelope.Id}";
            outcome = StageOutcome.Failure(error, [error]);
        }
        LogStage(logger, id, stage, outcome.Succeeded, outcome.Error);

        // :: Step 5
        context = context with { Now = time.GetUtcNow() };
        var decision = outcome.Succeeded
            ? Deployment.Decide(deployment.State, new CompleteStage(stage, outcome.LogTail), context)
            : Deployment.Decide(deployment.State, new FailStage(stage, outcome.Error!, outcome.LogTail), context);
        var after = decision.Events.Aggregate(deployment.State, Deployment.Evolve);
        var containerEvents = outcome.ContainerEvents.ToList();
        if (after.IsTerminal && !deployment.State.IsTerminal)
            containerEvents.Add(outcome.Succeeded
                ? new ProvisioningSucceeded(id, context.Now)
                : new ProvisioningFailed(id, stage, outcome.Error!, context.Now));
        var next = after.IsTerminal ? [] : new[] { new OutgoingMessage(new AdvanceDeployment(id), Key: $"deployment:{id}:{stage}:done") };
        await AppendAsync(id, deployment.Version, decision, containerEvents, next, ct, deployment.State.ContainerId);
    }

    private Task<Aggregate<DeploymentState>> LoadAsync(Guid id, CancellationToken ct) =>
        store.AggregateStreamAsync(Deployment.StreamId(id), DeploymentState.Initial, Deployment.Evolve, ct: ct);

    /// <summary>
    /// Deployment events at the version they were decided on (a duplicate delivery that lost the race
    /// fails here and is retried, then finds the work recorded); container facts at any version, since
    /// they are true whatever else the container's stream says.
    /// </summary>
    private async Task AppendAsync(Guid id, long version, Decision decision, IReadOnlyList<object> containerEvents,
        IReadOnlyList<OutgoingMessage> messages, CancellationToken ct, Guid? containerId = null)
    {
        if (decision.Rejection is { } rejection) throw new InvalidOperationException($"deployment {id}: {rejection.Reason}");
        if (decision.Events.Count == 0) return;
        var appends = new List<StreamAppend> { new(Deployment.StreamId(id), ExpectedVersion.Exactly(version), decision.Events) };
        if (containerId is { } c && containerEvents.Count > 0)
            appends.Add(new StreamAppend(Container.StreamId(c), ExpectedVersion.Any, containerEvents));
        await writer.WriteAsync(appends, messages, new EventMetadata(User: "system", CausationId: id.ToString()), null, ct);
    }

    [LoggerMessage(2, LogLevel.Error, "Deployment {DeploymentId} stage {Stage} failed unexpectedly (reference {Reference})")]
    private static partial void LogUnexpected(ILogger logger, Exception error, Guid deploymentId, DeploymentStage stage, Guid reference);

    [LoggerMessage(1, LogLevel.Information, "Deployment {DeploymentId} stage {Stage}: succeeded={Succeeded} {Error}")]
    private static partial void LogStage(ILogger logger, Guid deploymentId, DeploymentStage stage, bool succeeded, string? error);
}
