using JasperFx.Events;
using Marten;
using Weasel.Core;
using ZeroLagHub.Api.Audit.Chain;
using ZeroLagHub.Domain.Containers;

namespace ZeroLagHub.Api.Tests.Audit.Chain;

/// <summary>The chain trigger links every event Marten appends, whoever appends it and however.</summary>
public sealed class HashChainTests(ChainDatabase db) : IClassFixture<ChainDatabase>
{
    [Fact]
    public async Task MartensMigrationsCreateTheChainAndThenFindNothingToChange()
    {
        Assert.Equal(1L, await db.ScalarAsync(
            "SELECT count(*) FROM pg_trigger WHERE tgname = 'zlh_chain_event' AND tgrelid = 'public.mt_events'::regclass"));

        using var again = ChainedStore.Create(db.ConnectionString);
        var migration = await again.Storage.Database.CreateMigrationAsync();
        Assert.True(migration.Difference == SchemaPatchDifference.None,
            string.Join("; ", migration.Deltas.Where(d => d.Difference != SchemaPatchDifference.None).Select(d => $"{d.SchemaObject.Identifier}: {d.Difference}")));
    }

    [Theory]
    [InlineData(EventAppendMode.Rich)]
    [InlineData(EventAppendMode.QuickWithServerTimestamps)]
    public async Task EightConcurrentWritersLeaveNoBrokenLink(EventAppendMode mode)
    {
        using var store = ChainedStore.Create(db.ConnectionString, mode);
        var streams = Enumerable.Range(0, 20).Select(_ => Guid.NewGuid()).ToArray();
        foreach (var stream in streams)
        {
            await using var session = store.LightweightSession();
            session.Events.StartStream(stream, new ContainerStopped("writer", DateTimeOffset.UtcNow));
            await session.SaveChangesAsync();
        }

        var retries = 0;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(writer => Task.Run(async () =>
        {
            var random = new Random(writer);
            for (var i = 0; i < 25; i++)
            {
                var stream = streams[random.Next(streams.Length)];
                // One command's events: sometimes one, sometimes a few, as the handlers append them.
                var events = Enumerable.Range(0, 1 + random.Next(3))
                    .Select(n => (object)(n % 2 == 0 ? new ContainerStarted($"w{writer}", DateTimeOffset.UtcNow) : new ContainerStopped($"w{writer}", DateTimeOffset.UtcNow)))
                    .ToArray();
                for (var attempt = 0; ; attempt++)
                {
                    try
                    {
                        await using var session = store.LightweightSession();
                        session.Events.Append(stream, events);
                        await session.SaveChangesAsync();
                        break;
                    }
                    // Two writers on one stream: Marten refuses the later (see critter-trial §2); decide again.
                    catch (EventStreamUnexpectedMaxEventIdException) when (attempt < 20)
                    {
                        Interlocked.Increment(ref retries);
                    }
                }
            }
        })));

        var ids = streams.Select(s => s.ToString("D")).ToArray();
        var verifier = new ChainVerifier(store);
        var results = new List<StreamVerification>();
        foreach (var id in ids) results.Add((await verifier.VerifyAsync(id))!);
        Assert.All(results, r => Assert.True(r.IsIntact, $"{r.StreamId}: {r.Reason}"));
        var events = results.Sum(r => r.EventsChecked);
        Assert.True(events >= 20 + 8 * 25, $"{events} events");
        Assert.Equal(events, (long)(await db.ScalarAsync(
            $"SELECT count(*) FROM zlh_event_chain WHERE stream_id::text IN ({string.Join(",", ids.Select(i => $"'{i}'"))})"))!);
    }

    [Fact]
    public async Task AnAppendWhosePreviousLinkIsMissingIsRefusedAndWritesNothing()
    {
        var stream = Guid.NewGuid();
        await using (var session = db.Store.LightweightSession())
        {
            session.Events.StartStream(stream, new ContainerStopped("a", DateTimeOffset.UtcNow), new ContainerStarted("a", DateTimeOffset.UtcNow));
            await session.SaveChangesAsync();
        }
        await db.ScalarAsync($"DELETE FROM zlh_event_chain WHERE stream_id = '{stream}' AND version = 2");

        await using (var session = db.Store.LightweightSession())
        {
            session.Events.Append(stream, new ContainerStopped("b", DateTimeOffset.UtcNow));
            var refused = await Assert.ThrowsAnyAsync<Exception>(() => session.SaveChangesAsync());
            Assert.Contains("has no link at version 2", refused.ToString());
        }
        Assert.Equal(2L, await db.ScalarAsync($"SELECT max(version) FROM mt_events WHERE stream_id = '{stream}'"));
    }
}
