using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ZeroLagHub.Cli.Session;

namespace ZeroLagHub.Cli.Api;

/// <summary>
/// The control plane's HTTP API as typed calls. Every call returns its value or the problem that stopped
/// it; it never throws for an HTTP status or an unreachable API. Authenticated calls use the stored
/// session and renew it with the refresh token when the access token has expired (ahead of time by our
/// clock, or when the API answers 401), storing the rotated pair.
/// </summary>
public sealed class ApiClient : IDisposable
{
    /// <summary>Refresh this long before expiry, so a token does not expire between our check and the API's.</summary>
    private static readonly TimeSpan RefreshMargin = TimeSpan.FromSeconds(30);

    private readonly HttpClient _http;
    private readonly CredentialStore _store;

    public ApiClient(Uri baseAddress, CredentialStore store)
    {
        BaseAddress = baseAddress;
        _store = store;
        _http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri BaseAddress { get; }

    public async Task<ApiResult<TokenPair>> LogInAsync(string username, string password, CancellationToken ct)
    {
        var result = await SendOnceAsync(HttpMethod.Post, "api/auth/login", new { username, password }, null, null, ReadJsonAsync<TokenPair>, ct);
        if (result.Value is { } tokens)
        {
            using var held = await _store.LockAsync(ct);
            _store.Save(BaseAddress, new StoredSession(username, tokens.AccessToken, tokens.ExpiresAt, tokens.RefreshToken));
        }
        return result;
    }

    /// <summary>Revokes the session on the API, then forgets it here (also when the API no longer knows it).</summary>
    public async Task<ApiResult<bool>> LogOutAsync(CancellationToken ct)
    {
        if (_store.Load(BaseAddress) is not { } session) return ApiProblem.NotLoggedIn(BaseAddress);
        var result = await SendAsync<bool>(HttpMethod.Post, "api/auth/logout", new { refreshToken = session.RefreshToken }, ct);
        using (await _store.LockAsync(ct)) _store.Remove(BaseAddress);
        return result.Problem is { Status: (int)HttpStatusCode.Unauthorized } ? new ApiResult<bool>(true, null) : result;
    }

    public Task<ApiResult<Account>> MeAsync(CancellationToken ct) => SendAsync<Account>(HttpMethod.Get, "api/auth/me", null, ct);

    public Task<ApiResult<List<ContainerInfo>>> ListContainersAsync(bool deleted, CancellationToken ct) =>
        SendAsync<List<ContainerInfo>>(HttpMethod.Get, deleted ? "api/servers?deleted=true" : "api/servers", null, ct);

    public Task<ApiResult<ContainerInfo>> GetContainerAsync(Guid id, CancellationToken ct) =>
        SendAsync<ContainerInfo>(HttpMethod.Get, $"api/servers/{id}", null, ct);

    public Task<ApiResult<AcceptedCommand>> CreateContainerAsync(CreateContainerBody body, CancellationToken ct) =>
        SendAsync<AcceptedCommand>(HttpMethod.Post, "api/servers", body, ct);

    public Task<ApiResult<AcceptedCommand>> DeleteContainerAsync(Guid id, CancellationToken ct) =>
        SendAsync<AcceptedCommand>(HttpMethod.Delete, $"api/servers/{id}", null, ct);

    /// <param name="action">The route under the container: <c>stop</c>, <c>server/restart</c>, <c>code-server/start</c>…</param>
    public Task<ApiResult<AcceptedCommand>> SendCommandAsync(Guid id, string action, CancellationToken ct) =>
        SendAsync<AcceptedCommand>(HttpMethod.Post, $"api/servers/{id}/{action}", null, ct);

    public Task<ApiResult<DeploymentPage>> ListDeploymentsAsync(DeploymentQuery query, CancellationToken ct) =>
        SendAsync<DeploymentPage>(HttpMethod.Get, WithQuery("api/deployments", ("limit", query.Limit), ("container", query.Container),
            ("user", query.User), ("state", query.State), ("since", query.Since), ("until", query.Until), ("before", query.Before)), null, ct);

    public Task<ApiResult<DeploymentInfo>> GetDeploymentAsync(Guid id, CancellationToken ct) =>
        SendAsync<DeploymentInfo>(HttpMethod.Get, $"api/deployments/{id}", null, ct);

    public Task<ApiResult<ContainerStatusInfo>> GetStatusAsync(Guid id, CancellationToken ct) =>
        SendAsync<ContainerStatusInfo>(HttpMethod.Get, $"api/servers/{id}/status", null, ct);

    /// <summary>
    /// <c>GET /api/servers/status/stream</c>: hands each event to <paramref name="onEvent"/> as it arrives, until the
    /// stream ends or breaks (a problem with status 0), or <paramref name="onEvent"/> returns false (a success).
    /// </summary>
    /// <param name="lastEventId">Resume after this event (changes since), instead of starting with a snapshot.</param>
    public Task<ApiResult<bool>> StreamStatusAsync(string? lastEventId, Func<ServerSentEvent, ValueTask<bool>> onEvent, CancellationToken ct) =>
        SendAsync(HttpMethod.Get, WithQuery("api/servers/status/stream", ("lastEventId", lastEventId)), null,
            (response, token) => ReadEventsAsync(response, onEvent, token), ct);

    /// <summary>Three keepalive periods of the API's status stream: longer without a byte means the connection is dead.</summary>
    private static readonly TimeSpan StreamSilence = TimeSpan.FromSeconds(45);

    private static async Task<ApiResult<bool>> ReadEventsAsync(HttpResponseMessage response, Func<ServerSentEvent, ValueTask<bool>> onEvent, CancellationToken ct)
    {
        try
        {
            await foreach (var e in ServerSentEvent.ReadAllAsync(await response.Content.ReadAsStreamAsync(ct), StreamSilence, ct))
                if (!await onEvent(e)) return new ApiResult<bool>(true, null);
            return new ApiProblem(0, "Stream ended", "the API closed the status stream");
        }
        catch (Exception e) when (e is IOException or TimeoutException or HttpRequestException)
        {
            return new ApiProblem(0, "Stream broken", e.Message);
        }
    }

    public Task<ApiResult<IdeToken>> CreateIdeTokenAsync(Guid id, CancellationToken ct) =>
        SendAsync<IdeToken>(HttpMethod.Post, $"api/dev/{id}/ide-token", null, ct);

    /// <summary>
    /// The session's access token, for a connection this client does not make itself (the console WebSocket):
    /// renewed first when it has (nearly) expired by our clock, or when <paramref name="renew"/> says the API refused it.
    /// </summary>
    public async Task<ApiResult<string>> AccessTokenAsync(bool renew, CancellationToken ct)
    {
        if (_store.Load(BaseAddress) is not { } session) return ApiProblem.NotLoggedIn(BaseAddress);
        if (!renew && session.ExpiresAt - RefreshMargin > DateTimeOffset.UtcNow) return new ApiResult<string>(session.AccessToken, null);
        var renewed = await RefreshAsync(session, ct);
        return renewed.Problem is { } problem ? problem : new ApiResult<string>(renewed.Value!.AccessToken, null);
    }

    public Task<ApiResult<AuditEventPage>> GetAuditEventsAsync(Guid id, long? fromVersion, int limit, CancellationToken ct) =>
        SendAsync<AuditEventPage>(HttpMethod.Get, WithQuery($"api/audit/containers/{id}/events", ("fromVersion", fromVersion), ("limit", limit)), null, ct);

    /// <summary>The container as of a time or a version (one of the two).</summary>
    public Task<ApiResult<ContainerStateAt>> GetAuditStateAsync(Guid id, DateTimeOffset? at, long? version, CancellationToken ct) =>
        SendAsync<ContainerStateAt>(HttpMethod.Get, WithQuery($"api/audit/containers/{id}/state", ("at", at), ("version", version)), null, ct);

    public Task<ApiResult<StreamVerification>> VerifyContainerAsync(Guid id, CancellationToken ct) =>
        SendAsync<StreamVerification>(HttpMethod.Get, $"api/audit/containers/{id}/verify", null, ct);

    public Task<ApiResult<ChainReport>> VerifyAllAsync(CancellationToken ct) => SendAsync<ChainReport>(HttpMethod.Get, "api/audit/verify", null, ct);

    /// <summary>
    /// <c>GET /api/audit/export</c>: copies the NDJSON body into the stream <paramref name="open"/> returns, as it arrives
    /// (constant memory, whatever the size). <paramref name="open"/> is called only once the API has said yes, so a
    /// refused export creates no file.
    /// </summary>
    /// <returns>The number of events (lines) copied.</returns>
    public Task<ApiResult<long>> ExportAsync(ExportQuery query, Func<Stream> open, CancellationToken ct) =>
        SendAsync(HttpMethod.Get, WithQuery("api/audit/export", ("stream", query.Stream), ("since", query.Since), ("until", query.Until)), null,
            (response, token) => CopyLinesAsync(response, open, token), ct);

    public Task<ApiResult<List<ProjectionStatus>>> ListProjectionsAsync(CancellationToken ct) =>
        SendAsync<List<ProjectionStatus>>(HttpMethod.Get, "api/admin/projections", null, ct);

    public Task<ApiResult<ProjectionStatus>> GetProjectionAsync(string name, CancellationToken ct) =>
        SendAsync<ProjectionStatus>(HttpMethod.Get, $"api/admin/projections/{Uri.EscapeDataString(name)}", null, ct);

    public Task<ApiResult<RebuildStarted>> RebuildProjectionAsync(string name, CancellationToken ct) =>
        SendAsync<RebuildStarted>(HttpMethod.Post, $"api/admin/projections/{Uri.EscapeDataString(name)}/rebuild", null, ct);

    public Task<ApiResult<DeadLetterPage>> ListDeadLettersAsync(DeadLetterQuery query, CancellationToken ct) =>
        SendAsync<DeadLetterPage>(HttpMethod.Get, WithQuery("api/admin/deadletters", ("type", query.Type), ("after", query.After), ("limit", query.Limit)),
            null, ct);

    public Task<ApiResult<bool>> ReplayDeadLetterAsync(Guid id, CancellationToken ct) =>
        SendAsync<bool>(HttpMethod.Post, $"api/admin/deadletters/{id}/replay", null, ct);

    public Task<ApiResult<bool>> DiscardDeadLetterAsync(Guid id, CancellationToken ct) =>
        SendAsync<bool>(HttpMethod.Delete, $"api/admin/deadletters/{id}", null, ct);

    private static async Task<ApiResult<long>> CopyLinesAsync(HttpResponseMessage response, Func<Stream> open, CancellationToken ct)
    {
        await using var source = await response.Content.ReadAsStreamAsync(ct);
        var buffer = new byte[64 * 1024];
        long lines = 0;
        try
        {
            await using var destination = open();
            int read;
            while ((read = await source.ReadAsync(buffer, ct)) > 0)
            {
                await destination.WriteAsync(buffer.AsMemory(0, read), ct);
                lines += buffer.AsSpan(0, read).Count((byte)'\n');
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The connection broke after the API had started answering, or the destination would not take
            // the events (no such directory, no permission, disk full, a closed pipe): what was written is incomplete.
            return new ApiProblem(0, "Export failed", $"after {lines} events: {e.Message}");
        }
        return new ApiResult<long>(lines, null);
    }

    /// <summary>The path with each parameter that has a value appended, escaped; times in ISO 8601.</summary>
    private static string WithQuery(string path, params (string Name, object? Value)[] parameters)
    {
        var given = parameters.Where(p => p.Value is not null).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value switch
        {
            DateTimeOffset time => time.ToString("O"),
            IFormattable value => value.ToString(null, CultureInfo.InvariantCulture),
            var value => value!.ToString()!,
        })}").ToList();
        return given.Count == 0 ? path : $"{path}?{string.Join('&', given)}";
    }

    /// <summary>An authenticated call whose answer is JSON (or nothing, for <c>bool</c>).</summary>
    private Task<ApiResult<T>> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken ct) =>
        SendAsync(method, path, body, ReadJsonAsync<T>, ct);

    /// <summary>An authenticated call: refreshes first when the token is (nearly) expired, and once more on a 401.</summary>
    /// <param name="read">Turns a successful response into the value; called at most once.</param>
    private async Task<ApiResult<T>> SendAsync<T>(HttpMethod method, string path, object? body, ResponseReader<T> read, CancellationToken ct)
    {
        if (_store.Load(BaseAddress) is not { } session) return ApiProblem.NotLoggedIn(BaseAddress);
        // One key for the first try and the retry after a refresh: the API runs the command once.
        var idempotencyKey = method == HttpMethod.Get ? null : Guid.NewGuid().ToString();
        if (session.ExpiresAt - RefreshMargin <= DateTimeOffset.UtcNow)
        {
            var refreshed = await RefreshAsync(session, ct);
            if (refreshed.Problem is { } problem) return problem;
            session = refreshed.Value!;
        }
        var result = await SendOnceAsync(method, path, body, session.AccessToken, idempotencyKey, read, ct);
        if (result.Problem is not { Status: (int)HttpStatusCode.Unauthorized }) return result;

        // The API's clock says expired (or the key was rotated): renew once and repeat.
        var renewed = await RefreshAsync(session, ct);
        if (renewed.Problem is { } refused) return refused;
        return await SendOnceAsync(method, path, body, renewed.Value!.AccessToken, idempotencyKey, read, ct);
    }

    /// <summary>Rotates the pair under the store's lock, unless another zlh process already did.</summary>
    private async Task<ApiResult<StoredSession>> RefreshAsync(StoredSession stale, CancellationToken ct)
    {
        using var held = await _store.LockAsync(ct);
        if (_store.Load(BaseAddress) is not { } current) return ApiProblem.NotLoggedIn(BaseAddress);
        if (current.AccessToken != stale.AccessToken && current.ExpiresAt - RefreshMargin > DateTimeOffset.UtcNow)
            return new ApiResult<StoredSession>(current, null);

        var result = await SendOnceAsync(HttpMethod.Post, "api/auth/refresh", new { refreshToken = current.RefreshToken }, null, null,
            ReadJsonAsync<TokenPair>, ct);
        if (result.Problem is { } problem)
            return problem.Status == (int)HttpStatusCode.Unauthorized
                ? new ApiProblem(401, "Session expired", $"the API refused the stored session: run zlh login --api {BaseAddress}")
                : problem;
        var renewed = current with { AccessToken = result.Value!.AccessToken, ExpiresAt = result.Value.ExpiresAt, RefreshToken = result.Value.RefreshToken };
        _store.Save(BaseAddress, renewed);
        return new ApiResult<StoredSession>(renewed, null);
    }

    private async Task<ApiResult<T>> SendOnceAsync<T>(HttpMethod method, string path, object? body, string? accessToken, string? idempotencyKey,
        ResponseReader<T> read, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = JsonContent.Create(body, body.GetType(), options: JsonSerializerOptions.Web);
        if (accessToken is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        try
        {
            // Headers first, so that a streamed body (the NDJSON export) is read as it arrives; the
            // client's timeout then covers the wait for the answer, not a long download.
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            if (!response.IsSuccessStatusCode) return await ReadProblemAsync(response, ct);
            return await read(response, ct);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return ApiProblem.Unreachable(BaseAddress, e);
        }
        catch (JsonException e)
        {
            return new ApiProblem(0, "Unexpected response", $"{method} /{path}: {e.Message} (is {BaseAddress} a ZeroLagHub API?)");
        }
    }

    private delegate Task<ApiResult<T>> ResponseReader<T>(HttpResponseMessage response, CancellationToken ct);

    private static async Task<ApiResult<T>> ReadJsonAsync<T>(HttpResponseMessage response, CancellationToken ct)
    {
        if (typeof(T) == typeof(bool)) return new ApiResult<T>((T)(object)true, null);
        var value = await response.Content.ReadFromJsonAsync<T>(JsonSerializerOptions.Web, ct);
        return value is null
            ? new ApiProblem((int)response.StatusCode, "Empty response", $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery} returned no body")
            : new ApiResult<T>(value, null);
    }

    private static async Task<ApiProblem> ReadProblemAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var status = (int)response.StatusCode;
        var fallback = response.ReasonPhrase ?? $"HTTP {status}";
        if (response.Content.Headers.ContentType?.MediaType is not ("application/problem+json" or "application/json"))
            return new ApiProblem(status, fallback, null);
        try
        {
            var problem = await response.Content.ReadFromJsonAsync<ProblemBody>(JsonSerializerOptions.Web, ct);
            return new ApiProblem(status, problem?.Title ?? fallback, problem?.Detail, problem?.Errors);
        }
        catch (JsonException)
        {
            return new ApiProblem(status, fallback, null);
        }
    }

    /// <summary>The RFC 9457 fields we show; <c>errors</c> is ASP.NET Core's validation extension.</summary>
    private sealed record ProblemBody(string? Title, string? Detail, Dictionary<string, string[]>? Errors);

    public void Dispose() => _http.Dispose();
}
