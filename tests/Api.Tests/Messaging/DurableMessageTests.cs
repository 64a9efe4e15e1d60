using Microsoft.Extensions.DependencyInjection;
using ZeroLagHub.Api.Commands;
using ZeroLagHub.Api.Containers;
using ZeroLagHub.Api.Messaging;
using ZeroLagHub.Api.Operations.DeadLetters;
using ZeroLagHub.Domain.Decisions;
using ZeroLagHub.Projections.Events;
using Wolverine;
using Wolverine.Tracking;

namespace ZeroLagHub.Api.Tests.Messaging;

/// <summary>
/// The durable messages on Wolverine: written with the events or not at all (the outbox enlisted in
/// <see cref="ControlPlaneTransaction"/>), held until their time when scheduled, retried and then kept as
/// dead letters when they keep failing. Wolverine's tracking waits for what a write sends to be handled; it does not wait
/// for scheduled messages (a scheduled retry ends a tracked session), so the tests of those poll the inbox instead.
/// </summary>
public sealed class DurableMessageTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private ControlPlaneTransaction Writer => api.Services.GetRequiredService<ControlPlaneTransaction>();

    [Fact]
    public async Task AMessageIsWrittenOnlyWhenItsEventsAre()
    {
        var refused = Guid.NewGuid();
        var rejection = await Writer.WriteAsync([], [new OutgoingMessage(new AdvanceDeployment(refused))], new EventMetadata("test"), null, default,
            (_, _) => Task.FromResult<Rejection?>(Rejection.InvalidTransition("refused by the guard")));
        Assert.Equal("refused by the guard", rejection?.Reason);

        var conflicted = Guid.NewGuid();
        var stream = Guid.NewGuid().ToString();
        var conflict = await Record.ExceptionAsync(() => Writer.WriteAsync(
            [new StreamAppend(stream, ExpectedVersion.Exactly(3), [new Domain.Containers.ContainerStopped("test", DateTimeOffset.UtcNow)])],
            [new OutgoingMessage(new AdvanceDeployment(conflicted))], new EventMetadata("test"), null, default));
        Assert.NotNull(conflict);
        Assert.True(ControlPlaneTransaction.IsConflict(conflict), conflict.ToString());

        var written = Guid.NewGuid();
        var tracked = await api.Host.TrackActivity(Patience).ExecuteAndWaitAsync(async Task (IMessageContext _) =>
            Assert.Null(await Writer.WriteAsync([], [new OutgoingMessage(new AdvanceDeployment(written))], new EventMetadata("test"), null, default)));

        Assert.Equal(0L, await InboxCountAsync(refused));
        Assert.Equal(0L, await InboxCountAsync(conflicted));
        // Handled at once (a deployment that does not exist is nothing to do), from the inbox, which keeps the row a while.
        Assert.Equal([written], tracked.Executed.MessagesOf<AdvanceDeployment>().Select(m => m.DeploymentId));
        Assert.Equal(1L, await InboxCountAsync(written));
    }

    [Fact]
    public async Task AKeyedMessageIsSentByTheFirstCommittedWriteOnly()
    {
        // A deployment step redelivered after its commit sends its follow-up again, under the same key.
        var deployment = Guid.NewGuid();
        var key = $"test:{deployment}:done";
        var conflict = await Record.ExceptionAsync(() => Writer.WriteAsync(
            [new StreamAppend(Guid.NewGuid().ToString(), ExpectedVersion.Exactly(3), [new Domain.Containers.ContainerStopped("test", DateTimeOffset.UtcNow)])],
            [new OutgoingMessage(new AdvanceDeployment(deployment), Key: key)], new EventMetadata("test"), null, default));
        Assert.NotNull(conflict);   // rolled back: the key is not taken

        var tracked = await api.Host.TrackActivity(Patience).ExecuteAndWaitAsync(async Task (IMessageContext _) =>
        {
            await Writer.WriteAsync([], [new OutgoingMessage(new AdvanceDeployment(deployment), Key: key)], new EventMetadata("test"), null, default);
            await Writer.WriteAsync([], [new OutgoingMessage(new AdvanceDeployment(deployment), Key: key)], new EventMetadata("test"), null, default);
        });

        Assert.Equal([deployment], tracked.Executed.MessagesOf<AdvanceDeployment>().Select(m => m.DeploymentId));
        Assert.Equal(1L, await InboxCountAsync(deployment));
    }

    [Fact]
    public async Task AScheduledMessageWaitsInTheInboxForItsTime()
    {
        var deployment = Guid.NewGuid();
        var at = DateTimeOffset.UtcNow.AddSeconds(3);
        await Writer.WriteAsync([], [new OutgoingMessage(new AdvanceDeployment(deployment), at)], new EventMetadata("test"), null, default);

        var execution = await api.Database.ScalarAsync($"SELECT execution_time FROM wolverine.wolverine_incoming_envelopes WHERE {Names(deployment)}");
        // Stored with its time (PostgreSQL keeps microseconds), delivered by Wolverine's scheduled-message polling.
        Assert.InRange(Math.Abs((new DateTimeOffset((DateTime)execution!) - at).TotalMilliseconds), 0, 1);
        await WaitForStatusAsync(deployment, "Handled");
    }

    [Fact]
    public async Task AMessageThatKeepsFailingIsRetriedThenKeptAsADeadLetter()
    {
        // No host action is called "explode": the handler throws on every delivery.
        var command = Guid.NewGuid();
        await Writer.WriteAsync([], [new OutgoingMessage(new HostCommand(Guid.NewGuid(), "explode", command))], new EventMetadata("test"), null, default);

        var store = api.Services.GetRequiredService<DeadLetterStore>();
        var deadline = DateTime.UtcNow.AddSeconds(150);   // the cooldowns and scheduled retries, plus Wolverine's polling
        DeadLetter? letter = null;
        while (letter is null && DateTime.UtcNow < deadline)
        {
            letter = (await store.ListAsync("message.host_command", null, 1000, default)).SingleOrDefault(d => d.Data.Contains(command.ToString()));
            if (letter is null) await Task.Delay(500);
        }

        Assert.NotNull(letter);
        Assert.Equal(WolverineRegistration.MaxAttempts, letter.Attempts);
        Assert.Contains("InvalidOperationException", letter.Error);
        Assert.Contains("unknown host action 'explode'", letter.Error);
        Assert.Equal(0L, await InboxCountAsync(command, "Incoming", "Scheduled"));
    }

    /// <summary>A bound for a tracked session: the handlers here do nothing slow.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>The inbox rows whose message names <paramref name="id"/> (its JSON is in the stored envelope).</summary>
    private static string Names(Guid id) => $"position(convert_to('{id}', 'UTF8') in body) > 0";

    private async Task<long> InboxCountAsync(Guid id, params string[] statuses) =>
        (long)(await api.Database.ScalarAsync($"SELECT count(*) FROM wolverine.wolverine_incoming_envelopes WHERE {Names(id)}" +
            (statuses.Length > 0 ? $" AND status IN ({string.Join(", ", statuses.Select(s => $"'{s}'"))})" : "")))!;

    private async Task WaitForStatusAsync(Guid id, string status)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (await InboxCountAsync(id, status) == 1) return;
            await Task.Delay(200);
        }
        throw new TimeoutException($"the message naming {id} did not reach {status}");
    }
}
