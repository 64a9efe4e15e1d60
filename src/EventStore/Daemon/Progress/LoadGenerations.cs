using Npgsql;
using ZeroLagHub.EventStore.Reading;

namespace ZeroLagHub.EventStore.Daemon.Progress;

internal static class LoadGenerations
{
    private const string Sql = """
        SELECT g.generation, p.live_generation, g.tx_id, g.position, g.state
          FROM es.projection_progress g JOIN es.projections p ON p.name = g.projection
         WHERE g.projection = @name
         ORDER BY g.generation
        """;

    public static async Task<List<GenerationProgress>> ExecuteAsync(NpgsqlDataSource dataSource, string projection, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(Sql);
        command.Parameters.AddWithValue("name", projection);
        var generations = new List<GenerationProgress>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            generations.Add(new GenerationProgress(projection, reader.GetInt32(0), reader.GetInt32(1),
                new LogPosition(reader.GetFieldValue<ulong>(2), reader.GetInt64(3)), reader.GetString(4)));
        return generations;
    }
}
