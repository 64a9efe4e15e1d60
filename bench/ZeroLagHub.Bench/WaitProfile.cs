using System.Globalization;
using Npgsql;

namespace ZeroLagHub.Bench;

/// <summary>
/// Where the server-side time of a benchmark's connections goes: pg_stat_activity sampled every 10 ms
/// while a side runs, counting each connection's state: its wait event when active (CPU when none), or
/// "idle in transaction" (the server waiting on the client in the middle of a transaction: round trips
/// and client CPU). A profile for reports, not a measurement: sampling costs a little of its own.
/// </summary>
internal sealed class WaitProfile(NpgsqlDataSource dataSource, string applicationName)
{
    private readonly Dictionary<string, long> _samples = [];

    public async Task<T> SampleAsync<T>(Func<Task<T>> run, CancellationToken ct)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var sampler = Task.Run(() => LoopAsync(stop.Token), CancellationToken.None);
        try
        {
            return await run();
        }
        finally
        {
            await stop.CancelAsync();
            await sampler;
        }
    }

    public IEnumerable<string> Top(int count)
    {
        var total = Math.Max(1, _samples.Values.Sum());
        return _samples.OrderByDescending(s => s.Value).Take(count)
            .Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Key} {100.0 * s.Value / total:0}%"));
    }

    private async Task LoopAsync(CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(CancellationToken.None);
        await using var command = new NpgsqlCommand("""
            SELECT CASE WHEN state = 'active' THEN coalesce(wait_event_type || ':' || wait_event, 'CPU') ELSE state END
              FROM pg_stat_activity
             WHERE application_name = @app AND pid <> pg_backend_pid() AND state IN ('active', 'idle in transaction')
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<string>("app", applicationName));
        while (!ct.IsCancellationRequested)
        {
            await using (var reader = await command.ExecuteReaderAsync(CancellationToken.None))
                while (await reader.ReadAsync(CancellationToken.None))
                {
                    var key = reader.GetString(0);
                    _samples[key] = _samples.GetValueOrDefault(key) + 1;
                }
            try
            {
                await Task.Delay(10, ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
