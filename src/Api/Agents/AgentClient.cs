using System.Net.Http.Json;
using System.Text.Json;
using ZeroLagHub.Api.Hosts;

namespace ZeroLagHub.Api.Agents;

/// <summary>
/// Calls one container's agent. Every mutating call carries the queue message's id as its
/// <c>Idempotency-Key</c>, so a redelivered message gets the agent's first answer instead of a second action.
/// </summary>
public sealed class AgentClient(IHttpClientFactory http, IContainerHost host)
{
    public const string HttpClientName = "agents";

    public async Task<AgentReply> GetAsync(Guid containerId, string path, CancellationToken ct)
    {
        var agent = await RequireAsync(containerId, ct);
        using var request = agent.NewRequest(HttpMethod.Get, path);
        return await SendAsync(request, agent, ct);
    }

    public async Task<AgentReply> PostAsync(Guid containerId, string path, object? body, Guid commandId, CancellationToken ct)
    {
        var agent = await RequireAsync(containerId, ct);
        using var request = agent.NewRequest(HttpMethod.Post, path);
        request.Content = body is null ? null : JsonContent.Create(body, options: JsonSerializerOptions.Web);
        request.Headers.Add("Idempotency-Key", commandId.ToString());
        return await SendAsync(request, agent, ct);
    }

    private async Task<AgentEndpoint> RequireAsync(Guid containerId, CancellationToken ct) =>
        await host.FindAgentAsync(containerId, ct)
        ?? throw new AgentUnavailableException($"the host has no agent for container {containerId}");

    private async Task<AgentReply> SendAsync(HttpRequestMessage request, AgentEndpoint agent, CancellationToken ct)
    {
        using var client = http.CreateClient(HttpClientName);
        try
        {
            using var response = await client.SendAsync(request, ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            return new AgentReply((int)response.StatusCode, text.Length == 0 ? default : JsonSerializer.Deserialize<JsonElement>(text));
        }
        catch (HttpRequestException e)
        {
            throw new AgentUnavailableException($"agent at {agent} unreachable: {e.Message}", e);
        }
        catch (TaskCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new AgentUnavailableException($"agent at {agent} did not answer in time", e);
        }
    }
}
