using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ZeroLagHub.Api.Hosts;
using ZeroLagHub.Domain.Agent;

namespace ZeroLagHub.Bench.Polling;

/// <summary>
/// The floor for one poll cycle: the same <c>/health</c> and <c>/journal?after=</c> requests to every
/// agent, at the same concurrency and timeout, their answers parsed as the poller parses them and the
/// journal cursor kept in memory — no database, no decisions, no events.
/// </summary>
internal sealed class BareSweep(IReadOnlyDictionary<Guid, AgentEndpoint> agents, int concurrency, TimeSpan timeout, int pageSize) : IDisposable
{
    private readonly HttpClient _client = new() { Timeout = timeout };
    private readonly ConcurrentDictionary<Guid, long> _cursors = new();

    /// <summary>One sweep; what it read, in the poller's terms.</summary>
    public async Task<SweepResult> RunAsync(CancellationToken ct)
    {
        int unreachable = 0, entries = 0;
        await Parallel.ForEachAsync(agents, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = ct },
            async (agent, token) =>
            {
                var read = await ReadAsync(agent.Key, agent.Value, token);
                if (read is null) Interlocked.Increment(ref unreachable);
                else Interlocked.Add(ref entries, read.Value);
            });
        return new SweepResult(agents.Count, unreachable, entries);
    }

    /// <returns>New journal entries read; null when the agent did not answer.</returns>
    private async Task<int?> ReadAsync(Guid id, AgentEndpoint agent, CancellationToken ct)
    {
        try
        {
            var health = await _client.GetFromJsonAsync<AgentHealth>(new Uri(agent.BaseAddress, "health"), JsonSerializerOptions.Web, ct);
            if (health?.ContainerId != id) return null;

            var after = _cursors.GetValueOrDefault(id);
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(agent.BaseAddress, $"journal?after={after}&limit={pageSize}"));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", agent.Token);
            using var response = await _client.SendAsync(request, ct);
            if (!response.IsSuccessStatusCode) return null;
            var page = await response.Content.ReadFromJsonAsync<JournalPage>(JsonSerializerOptions.Web, ct);
            if (page is null) return null;
            _cursors[id] = after + page.Entries.Count;
            return page.Entries.Count;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException && !ct.IsCancellationRequested)
        {
            return null;
        }
    }

    public void Dispose() => _client.Dispose();
}

/// <param name="Polled">Agents swept.</param>
/// <param name="Unreachable">Of those, the ones that did not answer both requests.</param>
/// <param name="Entries">New journal entries read.</param>
internal sealed record SweepResult(int Polled, int Unreachable, int Entries);
