using JasperFx.Events;
using ZeroLagHub.Api.Commands;
using Npgsql;
using ZeroLagHub.Api.ReadModels;
using ZeroLagHub.Api.Storage.Marten;
using ZeroLagHub.Api.Tests.Status;
using ZeroLagHub.Domain.Containers;
using ZeroLagHub.Projections.Events;
using ZeroLagHub.Projections.ReadModels;

namespace ZeroLagHub.Api.Tests.Storage.Marten;

/// <summary>What operators and the command path rely on, proved on Marten: faults, retry, skip, rebuild, conflicts.</summary>
public sealed class OperatorTests(ApiDatabase db) : IClassFixture<ApiDatabase>
{
    [Fact]
    public async Task APoisonEventFaultsOnlyItsReadModelUntilAnOperatorSkipsIt()
    {
        var poisoned = new StreamSummaryReadModel("poisoned");
        var healthy = new StreamSummaryReadModel("healthy");
        var poison = Guid.NewGuid().ToString();
        poisoned.BeforeWrite = events => events.Any(e => e.StreamId == poison)
            ? throw new InvalidOperationException("cannot apply this one") : Task.CompletedTask;
        await using var node = await MartenNode.StartAsync(db.ConnectionString, "zlh-node-poison", poisoned, healthy);
        var admin = node.Get<ReadModelAdmin>();

        var before = Guid.NewGuid().ToString();
        await node.Store.AppendAsync(before, ExpectedVersion.NoStream, [Offline()]);
        await ProjectedAsync(poisoned, before);
        // Likely in the poisoned event's batch: applied once the poisoned one is skipped, not skipped with it.
        var innocent = Guid.NewGuid().ToString();
        await node.Store.AppendAsync(innocent, ExpectedVersion.NoStream, [Offline()]);
        await node.Store.AppendAsync(poison, ExpectedVersion.NoStream, [Offline()]);
        var after = Guid.NewGuid().ToString();
        await node.Store.AppendAsync(after, ExpectedVersion.NoStream, [Offline()]);

        // The other read model goes on; the poisoned one stops at the event and says which and why.
        await ProjectedAsync(healthy, after);
        var faulted = await StatusSteps.EventuallyAsync(async () =>
            await admin.StatusAsync("poisoned") is { Fault: not null } s ? s : null, "the poisoned read model to fault");
        Assert.Equal("faulted", faulted.State);
        Assert.Equal(poison, faulted.Fault!.Event.StreamId);
        Assert.Equal("container.agent_went_offline", faulted.Fault.Event.Type);
        Assert.Contains("cannot apply this one", faulted.Fault.Error);
        Assert.DoesNotContain(after, (await poisoned.RowsAsync(db.DataSource)).Keys);

        // Retrying with the bug still there faults again at the same event.
        Assert.True(await admin.RetryAsync("poisoned"));
        var skipped = await StatusSteps.EventuallyAsync(async () => await admin.SkipAsync("poisoned"), "a skippable fault");
        Assert.Equal(poison, skipped.StreamId);

        await ProjectedAsync(poisoned, after);
        await ProjectedAsync(poisoned, innocent);
        Assert.DoesNotContain(poison, (await poisoned.RowsAsync(db.DataSource)).Keys);
        Assert.Equal("running", (await admin.StatusAsync("poisoned")).State);
    }

    [Fact]
    public async Task ARebuildWhileAppendsContinueEqualsTheIncrementalBuildRowForRow()
    {
        var asyncModel = new StreamSummaryReadModel("rebuilt_async");
        var inlineModel = new StreamSummaryReadModel("rebuilt_inline", ProjectionLifecycle.Inline);
        await using var node = await MartenNode.StartAsync(db.ConnectionString, "zlh-node-rebuild", asyncModel, inlineModel);
        var admin = node.Get<ReadModelAdmin>();
        var streams = Enumerable.Range(0, 20).Select(_ => Guid.NewGuid().ToString()).ToList();
        foreach (var stream in streams) await node.Store.AppendAsync(stream, ExpectedVersion.NoStream, [Offline(), Offline()]);

        var asyncGeneration = await admin.RebuildAsync("rebuilt_async", "test");
        var inlineGeneration = await admin.RebuildAsync("rebuilt_inline", "test");
        Assert.Equal(2, asyncGeneration);
        // Appends go on during the builds; readers are served from the live generation throughout.
        for (var round = 0; round < 3; round++)
            foreach (var stream in streams)
            {
                await node.Store.AppendAsync(stream, ExpectedVersion.Any, [Offline()]);
                Assert.NotEmpty(await inlineModel.RowsAsync(db.DataSource));
            }

        foreach (var (name, generation) in new[] { ("rebuilt_async", asyncGeneration), ("rebuilt_inline", inlineGeneration) })
            await StatusSteps.EventuallyAsync(async () =>
                await admin.StatusAsync(name) is { Generation: var g, Rebuild: null } && g == generation ? "live" : null, $"{name} generation {generation}");
        foreach (var stream in streams) await ProjectedAsync(asyncModel, stream, 5);

        foreach (var model in new[] { asyncModel, inlineModel })
        {
            var rows = await model.RowsAsync(db.DataSource);
            Assert.All(streams, s => Assert.Equal((5L, 5L), rows[s]));
        }
        // The old generation is gone.
        Assert.Equal(true, await db.ScalarAsync("SELECT to_regclass('rebuilt_async_summary_g1') IS NULL"));
    }

    [Fact]
    public async Task AnInlineReadModelCommitsWithTheAppendAndRollsBackWithIt()
    {
        var inlineModel = new StreamSummaryReadModel("inline_tx", ProjectionLifecycle.Inline);
        await using var node = await MartenNode.StartAsync(db.ConnectionString, "zlh-node-inline", inlineModel);
        var (rolledBack, committed) = (Guid.NewGuid().ToString(), Guid.NewGuid().ToString());

        foreach (var (stream, commit) in new[] { (rolledBack, false), (committed, true) })
        {
            await using var connection = await node.DataSource.OpenConnectionAsync();
            await using var tx = await connection.BeginTransactionAsync();
            await node.Store.AppendAsync(tx, stream, ExpectedVersion.NoStream, [Offline()]);
            if (commit) await tx.CommitAsync();
            else await tx.RollbackAsync();
        }

        var rows = await inlineModel.RowsAsync(db.DataSource);
        Assert.Equal((1L, 1L), rows[committed]);
        Assert.DoesNotContain(rolledBack, rows.Keys);
        Assert.Equal(0L, await db.ScalarAsync($"SELECT count(*) FROM {MartenSchema.Name}.mt_events WHERE stream_id = '{rolledBack}'"));
    }

    [Fact]
    public async Task AStreamThatMovedIsAConflictAndNothingIsWritten()
    {
        await using var node = await MartenNode.StartAsync(db.ConnectionString, "zlh-node-conflict");
        var stream = Guid.NewGuid().ToString();
        await node.Store.AppendAsync(stream, ExpectedVersion.NoStream, [Offline()]);
        await node.Store.AppendAsync(stream, ExpectedVersion.Exactly(1), [Offline()]);

        await Assert.ThrowsAsync<EventStreamUnexpectedMaxEventIdException>(() =>
            node.Store.AppendAsync(stream, ExpectedVersion.Exactly(1), [Offline()]));
        var collision = await Assert.ThrowsAnyAsync<Exception>(() => node.Store.AppendAsync(stream, ExpectedVersion.NoStream, [Offline()]));
        Assert.True(ControlPlaneTransaction.IsConflict(collision), collision.GetType().FullName);
        Assert.Equal(2L, (await node.Store.AggregateStreamAsync(stream, ContainerState.Initial, Container.Evolve)).Version);
    }

    private static AgentWentOffline Offline() => new(DateTimeOffset.UnixEpoch);

    private async Task ProjectedAsync(StreamSummaryReadModel readModel, string stream, long events = 1) =>
        await StatusSteps.EventuallyAsync(async () =>
            (await readModel.RowsAsync(db.DataSource)).TryGetValue(stream, out var row) && row.Events == events ? "yes" : null,
            $"{events} event(s) of {stream} in {readModel.Name}");
}

/// <summary>Its own database: the event it corrupts stops every async read model there, as it should.</summary>
public sealed class UnknownEventTypeTests(ApiDatabase db) : IClassFixture<ApiDatabase>
{
    [Fact]
    public async Task AStoredTypeNoBuildKnowsFailsTheReadNamingIt()
    {
        await using var node = await MartenNode.StartAsync(db.ConnectionString, "zlh-node-unknown");
        var stream = Guid.NewGuid().ToString();
        await node.Store.AppendAsync(stream, ExpectedVersion.NoStream, [new AgentWentOffline(DateTimeOffset.UnixEpoch)]);
        // As a later build would have stored it: an alias and a CLR type this build does not have.
        await db.ScalarAsync($"""
            UPDATE {MartenSchema.Name}.mt_events
               SET type = 'container.from_the_future', mt_dotnet_type = 'ZeroLagHub.Domain.Containers.FromTheFuture, ZeroLagHub.Domain'
             WHERE stream_id = '{stream}'
            """);

        var error = await Assert.ThrowsAnyAsync<Exception>(() =>
            node.Store.AggregateStreamAsync(stream, ContainerState.Initial, Container.Evolve));
        Assert.Contains("FromTheFuture", error.Message);
    }
}
