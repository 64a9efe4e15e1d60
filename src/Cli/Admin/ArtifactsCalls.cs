using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ZeroLagHub.Cli.Api;

namespace ZeroLagHub.Cli.Admin;

/// <summary>What <c>GET /api/artifacts</c> answers.</summary>
public sealed record ArtifactList(bool StandIns, List<ArtifactListEntry> Artifacts);

public sealed record ArtifactListEntry(string Kind, string Name, string Version, string State, bool StandIn, string? File, string? Sha256,
    long? Size, string? Source, string? BuildCommand);

/// <summary>What the build endpoints answer: <c>logStart</c> numbers the first line of <c>log</c>.</summary>
public sealed record ArtifactBuildInfo(string Name, string Version, string State, DateTimeOffset StartedAt, DateTimeOffset? EndedAt,
    string? Error, int LogStart, List<string> Log);

/// <summary>
/// The artifact calls, with the session's access token from <see cref="ApiClient.AccessTokenAsync"/> (renewed once on a 401),
/// kept beside the commands that use them.
/// </summary>
public sealed class ArtifactsCalls(ApiClient client) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = client.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

    public Task<ApiResult<ArtifactList>> ListAsync(CancellationToken ct) => SendAsync<ArtifactList>(HttpMethod.Get, "api/artifacts", ct);

    public Task<ApiResult<ArtifactBuildInfo>> BuildAsync(string name, string version, CancellationToken ct) =>
        SendAsync<ArtifactBuildInfo>(HttpMethod.Post, BuildPath(name, version), ct);

    public Task<ApiResult<ArtifactBuildInfo>> GetBuildAsync(string name, string version, CancellationToken ct) =>
        SendAsync<ArtifactBuildInfo>(HttpMethod.Get, BuildPath(name, version), ct);

    private static string BuildPath(string name, string version) =>
        $"api/admin/artifacts/{Uri.EscapeDataString(name)}/{Uri.EscapeDataString(version)}/build";

    private async Task<ApiResult<T>> SendAsync<T>(HttpMethod method, string path, CancellationToken ct)
    {
        var key = Guid.NewGuid().ToString(); // one key for the try and the retry after a renewal
        for (var renew = false; ; renew = true)
        {
            var token = await client.AccessTokenAsync(renew, ct);
            if (token.Problem is { } noSession) return noSession;
            using var request = new HttpRequestMessage(method, path);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Value);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            if (method != HttpMethod.Get) request.Headers.Add("Idempotency-Key", key);
            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, ct);
            }
            catch (HttpRequestException e)
            {
                return ApiProblem.Unreachable(client.BaseAddress, e);
            }
            using (response)
            {
                if (response.StatusCode == System.Net.HttpStatusCode.Unauthorized && !renew) continue;
                if (!response.IsSuccessStatusCode) return await ProblemAsync(response, ct);
                return new ApiResult<T>(await response.Content.ReadFromJsonAsync<T>(JsonSerializerOptions.Web, ct), null);
            }
        }
    }

    private static async Task<ApiProblem> ProblemAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var status = (int)response.StatusCode;
        try
        {
            var problem = await response.Content.ReadFromJsonAsync<ProblemBody>(JsonSerializerOptions.Web, ct);
            return new ApiProblem(status, problem?.Title ?? $"HTTP {status}", problem?.Detail, problem?.Errors);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException)
        {
            return new ApiProblem(status, response.ReasonPhrase ?? $"HTTP {status}", null);
        }
    }

    private sealed record ProblemBody(string? Title, string? Detail, Dictionary<string, string[]>? Errors);

    public void Dispose() => _http.Dispose();
}
