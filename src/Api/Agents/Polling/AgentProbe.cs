using System.Net.Http.Json;
using System.Text.Json;
using ZeroLagHub.Api.Hosts;
using ZeroLagHub.Domain.Agent;

namespace ZeroLagHub.Api.Agents.Polling;

/// <summary>
/// The poller's two reads of an agent, each bounded by the per-agent timeout. Failures are values
/// (null): an unreachable agent is the normal case the poller exists to notice.
/// </summary>
public sealed class AgentProbe(IHttpClientFactory http)
{
    public const string HttpClientName = "agent-poller";

    /// <summary><c>/health</c>; null when the agent does not answer in time, answers an error, or is another container's agent.</summary>
    public async Task<AgentHealth?> HealthAsync(Guid containerId, AgentEndpoint agent, TimeSpan timeout, CancellationToken stop)
    {
        // With the token: without it the agent says only that it is up, not which container it serves.
        var request = agent.NewRequest(HttpMethod.Get, "health");
        var health = await GetAsync<AgentHealth>(request, timeout, stop);
        // An address can be reused by another container (Proxmox reuses vmids and IPs): that is not our agent.
        return health?.ContainerId == containerId ? health : null;
    }

    /// <summary><c>/journal?after=&amp;limit=</c>; null when the agent does not answer it in time.</summary>
    public Task<JournalPage?> JournalAsync(AgentEndpoint agent, long after, int limit, TimeSpan timeout, CancellationToken stop)
    {
        var request = agent.NewRequest(HttpMethod.Get, $"journal?after={after}&limit={limit}");
        return GetAsync<JournalPage>(request, timeout, stop);
    }

    private async Task<T?> GetAsync<T>(HttpRequestMessage request, TimeSpan timeout, CancellationToken stop) where T : class
    {
        using var _ = request;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stop);
        deadline.CancelAfter(timeout);
        try
        {
            using var client = http.CreateClient(HttpClientName);
            using var response = await client.SendAsync(request, deadline.Token);
            if (!response.IsSuccessStatusCode) return null;
            return await response.Content.ReadFromJsonAsync<T>(JsonSerializerOptions.Web, deadline.Token);
        }
        catch (OperationCanceledException) when (!stop.IsCancellationRequested)
        {
            return null;   // the per-agent timeout
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or NotSupportedException)
        {
            return null;
        }
    }
}
