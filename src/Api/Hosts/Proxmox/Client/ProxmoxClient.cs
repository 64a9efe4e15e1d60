using System.Net;
using System.Security.Authentication;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ZeroLagHub.Api.Hosts.Proxmox.Client;

/// <summary>
/// A typed client for the Proxmox VE API (<c>/api2/json</c>). Reads are retried on 5xx and network
/// errors; mutations are sent once and return the task's <see cref="Upid"/>, awaited with
/// <see cref="WaitTaskAsync"/>. Every answer is unwrapped from Proxmox's <c>{"data": …}</c>.
/// </summary>
/// <remarks>
/// Split by concern: this file is the transport (auth, TLS pin, retries, error mapping);
/// <c>.Reads</c>, <c>.Mutations</c> and <c>.Tasks</c> hold the calls.
/// </remarks>
public sealed partial class ProxmoxClient : IDisposable
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        // Proxmox sends some numbers as strings (nextid, vmid on older versions, sizes in some lists).
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowReadingFromString,
    };

    private readonly HttpClient _http;
    private readonly ProxmoxConnection _connection;
    private readonly ILogger _log;
    private readonly TimeProvider _time;

    public ProxmoxClient(ProxmoxConnection connection, ILogger<ProxmoxClient>? logger = null, TimeProvider? time = null)
    {
        _connection = connection;
        _log = logger ?? (ILogger)NullLogger.Instance;
        _time = time ?? TimeProvider.System;
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        };
        handler.SslOptions.RemoteCertificateValidationCallback = connection.Pins.Validate;
        _http = new HttpClient(handler)
        {
            BaseAddress = new Uri(connection.BaseAddress, "/api2/json/"),
            Timeout = connection.RequestTimeout,
        };
    }

    public Uri BaseAddress => _connection.BaseAddress;

    public void Dispose() => _http.Dispose();

    /// <summary>GET with retries; returns <c>data</c>.</summary>
    private Task<JsonElement> GetAsync(string path, CancellationToken ct) =>
        SendAsync(HttpMethod.Get, path, form: null, idempotent: true, ct);

    private async Task<T> GetAsync<T>(string path, CancellationToken ct)
    {
        var data = await GetAsync(path, ct);
        return data.Deserialize<T>(Json) ?? throw new ProxmoxException($"Proxmox answered GET {path} without data.");
    }

    private async Task<JsonElement> SendAsync(
        HttpMethod method, string path, IReadOnlyList<KeyValuePair<string, string>>? form, bool idempotent, CancellationToken ct)
    {
        var attempts = idempotent ? Math.Max(1, _connection.ReadAttempts) : 1;
        var delay = _connection.ReadRetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await SendOnceAsync(method, path, form, ct);
            }
            catch (Exception e) when (attempt < attempts && IsTransient(e, ct))
            {
                Log.Retrying(_log, method.Method, path, attempt, _connection.Token.Redact(e.Message));
                await Task.Delay(delay, _time, ct);
                delay *= 2;
            }
        }
    }

    private static bool IsTransient(Exception e, CancellationToken ct) => e switch
    {
        ProxmoxCertificateException => false,
        ProxmoxException p => p.StatusCode is >= HttpStatusCode.InternalServerError,
        HttpRequestException => true,
        // HttpClient.Timeout, not the caller's cancellation.
        TaskCanceledException => !ct.IsCancellationRequested,
        _ => false,
    };

    private async Task<JsonElement> SendOnceAsync(
        HttpMethod method, string path, IReadOnlyList<KeyValuePair<string, string>>? form, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.TryAddWithoutValidation("Authorization", _connection.Token.HeaderValue);
        if (form is not null) request.Content = new FormUrlEncodedContent(form);

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, ct);
        }
        catch (HttpRequestException e) when (e.InnerException is AuthenticationException || HasAuthenticationCause(e))
        {
            var presented = _connection.Pins.LastPresented;
            throw new ProxmoxCertificateException(
                $"The TLS certificate of {_connection.BaseAddress} (SHA-256 {presented ?? "unknown"}) is not pinned. " +
                "If the node's certificate was renewed on purpose, add its fingerprint to the pinned list.", presented, e);
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(ct);
            Log.Answered(_log, method.Method, path, (int)response.StatusCode);
            if (response.IsSuccessStatusCode)
                return ReadData(body);
            throw ToException(method, path, response, body);
        }
    }

    private static bool HasAuthenticationCause(Exception e)
    {
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
            if (inner is AuthenticationException) return true;
        return false;
    }

    private static JsonElement ReadData(string body)
    {
        if (string.IsNullOrWhiteSpace(body)) return default;
        using var document = JsonDocument.Parse(body);
        return document.RootElement.TryGetProperty("data", out var data) ? data.Clone() : default;
    }

    [GeneratedRegex(@"Permission check failed \((?<path>[^,()]+),\s*(?<priv>[^()]+?)\)")]
    private static partial Regex PermissionMessage();

    private ProxmoxException ToException(HttpMethod method, string path, HttpResponseMessage response, string body)
    {
        // Proxmox puts the reason in the HTTP status line; newer versions also in "message", and
        // parameter errors in "errors": {"param": "why"}.
        var reasons = new List<string>();
        if (!string.IsNullOrWhiteSpace(response.ReasonPhrase)) reasons.Add(response.ReasonPhrase.Trim());
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                if (root.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String
                    && !reasons.Contains(message.GetString()!.Trim()))
                    reasons.Add(message.GetString()!.Trim());
                if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
                    reasons.AddRange(errors.EnumerateObject().Select(e => $"{e.Name}: {e.Value.ToString().Trim()}"));
            }
        }
        catch (JsonException)
        {
            if (!string.IsNullOrWhiteSpace(body) && body.Length < 500) reasons.Add(body.Trim());
        }

        var reason = reasons.Count > 0 ? string.Join("; ", reasons) : response.StatusCode.ToString();
        var where = $"{method.Method} {path}";
        var token = _connection.Token;
        if (response.StatusCode == HttpStatusCode.Forbidden)
        {
            var match = reasons.Select(r => PermissionMessage().Match(r)).FirstOrDefault(m => m.Success);
            var message = match is null
                ? $"Proxmox refused {where} for token {token.TokenId}: {reason}"
                : $"Proxmox token {token.TokenId} lacks privilege {match.Groups["priv"].Value.Trim()} on {match.Groups["path"].Value.Trim()} (needed for {where}). " +
                  "Grant it with: pveum acl modify <path> --tokens <token> --roles <role with that privilege>";
            return new ProxmoxPermissionException(token.Redact(message), match?.Groups["path"].Value.Trim(), match?.Groups["priv"].Value.Trim());
        }
        if (response.StatusCode == HttpStatusCode.Unauthorized)
            return new ProxmoxException(token.Redact(
                $"Proxmox rejected the API token {token.TokenId} on {where}: check the token id and secret, and that the token is not expired ({reason})."),
                response.StatusCode);
        return new ProxmoxException(token.Redact($"Proxmox {where} failed with {(int)response.StatusCode}: {reason}"), response.StatusCode);
    }

    private static string Escape(string segment) => Uri.EscapeDataString(segment);

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Proxmox {Method} {Path} answered {Status}")]
        public static partial void Answered(ILogger logger, string method, string path, int status);

        [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Proxmox {Method} {Path} attempt {Attempt} failed, retrying: {Error}")]
        public static partial void Retrying(ILogger logger, string method, string path, int attempt, string error);

        [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Proxmox task {Upid} started")]
        public static partial void TaskStarted(ILogger logger, string upid);

        [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Proxmox task {Upid} finished: {ExitStatus}")]
        public static partial void TaskFinished(ILogger logger, string upid, string exitStatus);

        [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Proxmox task {Upid} failed: {ExitStatus}")]
        public static partial void TaskFailed(ILogger logger, string upid, string exitStatus);
    }
}
