using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using ZeroLagHub.Api.Audit.Chain;
using ZeroLagHub.Api.Storage.LegacyEvents;
using ZeroLagHub.Api.Tests.Audit.Chain;
using ZeroLagHub.Domain;
using ZeroLagHub.Domain.Containers;
using ZeroLagHub.Testing;

namespace ZeroLagHub.Api.Tests.Storage.LegacyEvents;

/// <summary>
/// A database the previous version wrote (its es.* tables, events appended with its own function): the API
/// refuses to start on it, and migrate-events copies every stream into Marten with nothing lost.
/// </summary>
public sealed class CopyLegacyEventsTests(ChainDatabase db) : IClassFixture<ChainDatabase>
{
    /// <summary>A database of its own: the refusal must leave the old tables where they are.</summary>
    public sealed class WithATamperedHistory(ChainDatabase db) : IClassFixture<ChainDatabase>
    {
        [Fact]
        public async Task TheCopyIsRefusedAndNothingIsCopied()
        {
            var steps = new CopyLegacyEventsTests(db);
            await steps.CreatePreviousStoreAsync();
            var stream = Guid.NewGuid();
            await steps.AppendOldAsync(stream, 0, new { user = "u" }, new ContainerStopped("a", T(1)), new ContainerStarted("a", T(2)));
            await db.ScalarAsync($$"""UPDATE es.events SET data = data || '{"forged": true}' WHERE stream_id = '{{stream}}' AND version = 1""");

            var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => new CopyLegacyEvents(db.Store).ExecuteAsync());

            Assert.Contains("hash chain is broken", refused.Message);
            Assert.Contains($"stream {stream} version 1", refused.Message);
            Assert.Equal(0L, await db.ScalarAsync("SELECT count(*) FROM mt_events"));
            Assert.Equal(2L, await db.ScalarAsync("SELECT count(*) FROM es.events"));
            await Assert.ThrowsAsync<LegacyEventsFoundException>(() => new LegacyEventsGuard(db.Store).StartAsync(CancellationToken.None));
        }
    }

    [Fact]
    public async Task OldEventsStopTheStartUntilMigrateEventsCopiesThemAllOnce()
    {
        await CreatePreviousStoreAsync();
        var first = Guid.NewGuid();
        var second = Guid.NewGuid();
        var meta = new { user = "owner-1", correlationId = "corr-1", causationId = "cmd-1", clientIp = "10.1.2.3" };
        await AppendOldAsync(first, 0, meta, new ContainerStopped("a", T(1)), new ContainerStarted("a", T(2)));
        await AppendOldAsync(second, 0, new { user = "poller", correlationId = (string?)null, causationId = (string?)null, clientIp = (string?)null },
            new ContainerStopped("p", T(3)));
        await AppendOldAsync(first, 2, meta, new ContainerStopped("b", T(4)));
        var old = await ReadOldAsync();

        var refused = await Assert.ThrowsAsync<LegacyEventsFoundException>(() => new LegacyEventsGuard(db.Store).StartAsync(CancellationToken.None));
        Assert.Contains("4 events", refused.Message);
        Assert.Contains("dotnet ZeroLagHub.Api.dll migrate-events", refused.Message);

        var result = await new CopyLegacyEvents(db.Store).ExecuteAsync();

        Assert.Equal(new LegacyCopyResult(2, 4, 0), result);
        var copied = await ReadCopiedAsync();
        Assert.Equal(old.Select(e => (e.Stream, e.Version, e.Type, e.Timestamp, e.Data)),
            copied.Select(e => (e.Stream, e.Version, e.Type, e.Timestamp, e.Data)));
        var firstEvent = copied.First(e => e.Stream == first.ToString());
        Assert.Equal(("owner-1", "corr-1", "cmd-1"), (firstEvent.User, firstEvent.Correlation, firstEvent.Causation));
        Assert.Equal("10.1.2.3", JsonDocument.Parse(firstEvent.Headers!).RootElement.GetProperty("client_ip").GetString());
        var poller = copied.Single(e => e.Stream == second.ToString());
        Assert.Equal(("poller", null, null, null), (poller.User, poller.Correlation, poller.Causation, poller.Headers));
        Assert.Equal(copied.OrderBy(e => e.OldPosition).Select(e => e.Seq), copied.Select(e => e.Seq).Order());
        Assert.Equal(3L, await db.ScalarAsync($"SELECT version FROM mt_streams WHERE id = '{first}'"));
        var verifier = new ChainVerifier(db.Store);
        Assert.True((await verifier.VerifyAsync(first.ToString()))!.IsIntact);
        Assert.Equal(4, (await verifier.VerifyAllAsync().ToListAsync()).Sum(v => v.EventsChecked));
        // Marten reads them back as domain events.
        await using (var session = db.Store.QuerySession())
            Assert.Equal(new ContainerStopped("b", T(4)), (await session.Events.FetchStreamAsync(first))[2].Data);
        await new LegacyEventsGuard(db.Store).StartAsync(CancellationToken.None);
        Assert.Equal(4L, await db.ScalarAsync("SELECT count(*) FROM es.events_copied_to_marten"));

        // Again: nothing to copy, nothing changes.
        Assert.Equal(LegacyCopyResult.NothingToCopy, await new CopyLegacyEvents(db.Store).ExecuteAsync());
        Assert.Equal(copied.Select(e => (e.Seq, e.Stream, e.Version)), (await ReadCopiedAsync()).Select(e => (e.Seq, e.Stream, e.Version)));
    }

    private static DateTimeOffset T(int minutes) => new DateTimeOffset(2026, 11, 20, 8, 0, 0, TimeSpan.Zero).AddMinutes(minutes);

    private async Task CreatePreviousStoreAsync()
    {
        var sql = await File.ReadAllTextAsync(Path.Combine(TestServices.RepositoryRoot(), "tests", "Api.Tests", "Storage", "LegacyEvents",
            "previous-event-store.sql"));
        await using var command = db.DataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>As the previous version appended: its own function, payloads in its JSON (camelCase), metadata as one object.</summary>
    private async Task AppendOldAsync(Guid stream, long expected, object metadata, params object[] events)
    {
        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        await using var command = db.DataSource.CreateCommand("SELECT count(*) FROM es.append_events(@stream, @expected, @types, @versions, @data, @metadata)");
        command.Parameters.Add(new NpgsqlParameter<string>("stream", stream.ToString()));
        command.Parameters.Add(new NpgsqlParameter<long>("expected", expected));
        command.Parameters.Add(new NpgsqlParameter<string[]>("types", [.. events.Select(e => DomainEvents.NameOf(e.GetType()))]));
        command.Parameters.Add(new NpgsqlParameter<int[]>("versions", [.. events.Select(_ => 1)]));
        command.Parameters.Add(new NpgsqlParameter<string[]>("data", NpgsqlDbType.Array | NpgsqlDbType.Jsonb)
            { TypedValue = [.. events.Select(e => JsonSerializer.Serialize(e, e.GetType(), json))] });
        command.Parameters.Add(new NpgsqlParameter<string>("metadata", NpgsqlDbType.Jsonb) { TypedValue = JsonSerializer.Serialize(metadata, json) });
        Assert.Equal((long)events.Length, await command.ExecuteScalarAsync());
    }

    private async Task<List<(string Stream, long Version, string Type, DateTimeOffset Timestamp, string Data)>> ReadOldAsync()
    {
        await using var command = db.DataSource.CreateCommand(
            "SELECT stream_id, version, type, created_at, data::text FROM es.events ORDER BY stream_id, version");
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(string, long, string, DateTimeOffset, string)>();
        while (await reader.ReadAsync())
            rows.Add((reader.GetString(0), reader.GetInt64(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3), reader.GetString(4)));
        return rows;
    }

    private sealed record Copied(long Seq, long OldPosition, string Stream, long Version, string Type, DateTimeOffset Timestamp, string Data,
        string? User, string? Correlation, string? Causation, string? Headers);

    private async Task<List<Copied>> ReadCopiedAsync()
    {
        await using var command = db.DataSource.CreateCommand("""
            SELECT m.seq_id, o.position, m.stream_id::text, m.version, m.type, m.timestamp, m.data::text,
                   m.user_name, m.correlation_id, m.causation_id, m.headers::text
              FROM mt_events m JOIN es.events_copied_to_marten o ON o.stream_id = m.stream_id::text AND o.version = m.version
             ORDER BY m.stream_id::text, m.version
            """);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<Copied>();
        string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
        while (await reader.ReadAsync())
            rows.Add(new(reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), reader.GetInt64(3), reader.GetString(4),
                reader.GetFieldValue<DateTimeOffset>(5), reader.GetString(6), Text(7), Text(8), Text(9), Text(10)));
        return rows;
    }
}
