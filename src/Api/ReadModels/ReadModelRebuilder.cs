using JasperFx.Events;
using Marten;
using Npgsql;
using ZeroLagHub.Api.Storage.Marten;
using ZeroLagHub.Projections.ReadModels;
using ZeroLagHub.Projections.Marten;

namespace ZeroLagHub.Api.ReadModels;

/// <summary>
/// Fills a rebuilding read model's next generation from Marten's event table, in sequence order, beside
/// the live one (which Marten keeps up to date meanwhile), then swaps the reader views to it once it has
/// caught up. Runs on every node; a build's row lock (SKIP LOCKED) lets one node at a time take a step.
/// </summary>
/// <remarks>
/// Why not Marten's RebuildProjectionAsync: it rewinds the projection and clears its data, so readers
/// would see an empty or partial read model until it finished. Marten's projection Version is for a
/// deploy that changes a projection class; this is for an on-demand rebuild with zero read downtime.
/// </remarks>
public sealed partial class ReadModelRebuilder(NpgsqlDataSource dataSource, IDocumentStore store, IEnumerable<IProjection> readModels,
    TimeProvider time, ILogger<ReadModelRebuilder> log) : BackgroundService
{
    private const string Schema = MartenSchema.Name;
    /// <summary>Events per step: one transaction each, so a build's progress is committed as it goes.</summary>
    public const int StepSize = 5000;
    private static readonly TimeSpan Idle = TimeSpan.FromMilliseconds(250);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var busy = false;
            foreach (var readModel in readModels)
            {
                try
                {
                    busy |= await StepAsync(readModel, stoppingToken);
                }
                catch (Exception e) when (e is NpgsqlException && !stoppingToken.IsCancellationRequested)
                {
                    LogStepFailed(log, readModel.Name, e.Message); // transient: the next pass tries again
                }
            }
            if (!busy) await Task.Delay(Idle, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>One step of a build: a page of events into the new generation, or the swap.</summary>
    /// <returns>true when it did something (so the next step follows at once).</returns>
    public async Task<bool> StepAsync(IProjection readModel, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        if (await ReadModelRow.ClaimBuildAsync(connection, tx, readModel.Name, ct) is not { BuildGeneration: { } generation } build)
            return false;

        var context = new ProjectionContext(tx, table => ReadModelTables.Physical(readModel, table, generation));
        try
        {
            // Up to Marten's high-water mark: below it no transaction can still add an event (gap-safe).
            var highWater = await HighWaterAsync(connection, tx, ct);
            var page = await ReadAsync(build.BuildPosition, highWater, StepSize, ct);
            if (page.Count > 0)
            {
                await readModel.ApplyAsync([.. page.Select(SqlReadModelProjection.ToStored)], context, ct);
                await AdvanceAsync(tx, readModel.Name, page[^1].Sequence, page.Count, ct);
                await tx.CommitAsync(ct);
                return true;
            }
            if (!await ReadModelSwap.TryAsync(readModel, build, generation, context, tx, ReadAsync, ct)) return false;
            await tx.CommitAsync(ct);
            LogSwapped(log, readModel.Name, generation);
            return true;
        }
        catch (Exception e) when (e is not (NpgsqlException or OperationCanceledException))
        {
            // An event this read model cannot apply: the build stops there, the live generation serves on.
            await tx.RollbackAsync(ct);
            await FaultAsync(readModel.Name, e.Message, ct);
            LogBuildFaulted(log, readModel.Name, generation, e.Message);
            return false;
        }
    }

    private async Task<IReadOnlyList<IEvent>> ReadAsync(long after, long upTo, int limit, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        return await session.Events.QueryAllRawEvents()
            .Where(e => e.Sequence > after && e.Sequence <= upTo)
            .OrderBy(e => e.Sequence)
            .Take(limit)
            .ToListAsync(ct);
    }

    private static async Task<long> HighWaterAsync(NpgsqlConnection connection, NpgsqlTransaction tx, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            $"SELECT coalesce(max(last_seq_id), 0) FROM {Schema}.mt_event_progression WHERE name = 'HighWaterMark'", connection, tx);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    private async Task AdvanceAsync(NpgsqlTransaction tx, string name, long position, int count, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("""
            UPDATE zlh.read_models SET build_position = @position, build_done = build_done + @count, updated_at = @now WHERE name = @name
            """, tx.Connection, tx);
        command.Parameters.AddWithValue("name", name);
        command.Parameters.AddWithValue("position", position);
        command.Parameters.AddWithValue("count", (long)count);
        command.Parameters.AddWithValue("now", time.GetUtcNow());
        await command.ExecuteNonQueryAsync(ct);
    }

    private async Task FaultAsync(string name, string error, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("UPDATE zlh.read_models SET build_fault = @error, updated_at = @now WHERE name = @name");
        command.Parameters.AddWithValue("name", name);
        command.Parameters.AddWithValue("error", error);
        command.Parameters.AddWithValue("now", time.GetUtcNow());
        await command.ExecuteNonQueryAsync(ct);
    }

    [LoggerMessage(EventId = 600, Level = LogLevel.Information, Message = "Read model {Name}: generation {Generation} is live")]
    private static partial void LogSwapped(ILogger log, string name, int generation);

    [LoggerMessage(EventId = 601, Level = LogLevel.Error, Message = "Read model {Name}: the build of generation {Generation} stopped: {Error}")]
    private static partial void LogBuildFaulted(ILogger log, string name, int generation, string error);

    [LoggerMessage(EventId = 602, Level = LogLevel.Warning, Message = "Read model {Name}: a build step failed, tried again: {Error}")]
    private static partial void LogStepFailed(ILogger log, string name, string error);
}
