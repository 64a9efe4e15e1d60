using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Options;
using ZeroLagHub.Agent.Hosting;
using ZeroLagHub.Domain.Agent;

namespace ZeroLagHub.Agent.Install;

/// <summary>
/// Talks to the artifact server, which serves nothing anonymously: every request carries the agent's
/// artifact token. Fetches the catalog, and streams an artifact to a file while counting and hashing
/// it, so a wrong size is noticed as soon as it is exceeded and the checksum costs no second read.
/// </summary>
public sealed class ArtifactClient(HttpClient http, IOptions<AgentOptions> options)
{
    /// <summary>The client's handler: over <see cref="AgentOptions.ArtifactSocket"/> when set (the local host's containers reach no control plane port).</summary>
    public static HttpMessageHandler CreateHandler(AgentOptions options)
    {
        var handler = new SocketsHttpHandler();
        if (options.ArtifactSocket is not { Length: > 0 } path) return handler;
        handler.UseProxy = false;
        handler.ConnectCallback = async (_, ct) =>
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        };
        return handler;
    }

    public async Task<(RuntimeCatalog? Catalog, InstallFailure? Failure)> GetCatalogAsync(InstallOutput output, CancellationToken ct)
    {
        var url = Url("_catalog.json");
        if (url is null) return (null, Fail(InstallError.CatalogUnavailable, "no artifact server is configured (ZLH_AGENT_ARTIFACTSERVER)", output));
        try
        {
            using var response = await http.SendAsync(Request(url), ct);
            if (!response.IsSuccessStatusCode)
                return (null, Fail(InstallError.CatalogUnavailable, $"artifact server answered {(int)response.StatusCode} for _catalog.json", output));
            var catalog = await response.Content.ReadFromJsonAsync<RuntimeCatalog>(JsonSerializerOptions.Web, ct);
            return catalog is null
                ? (null, Fail(InstallError.CatalogUnavailable, "artifact server sent an empty catalog", output))
                : (catalog, null);
        }
        catch (HttpRequestException e) { return (null, Fail(InstallError.CatalogUnavailable, $"artifact server unreachable: {e.Message}", output)); }
        catch (JsonException e) { return (null, Fail(InstallError.CatalogUnavailable, $"artifact server's catalog is not valid JSON: {e.Message}", output)); }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested) { return (null, Fail(InstallError.CatalogUnavailable, "artifact server timed out", output)); }
    }

    /// <summary>Downloads <paramref name="artifact"/> to <paramref name="target"/>, checking size and SHA-256; returns null when both match.</summary>
    public async Task<InstallFailure?> DownloadAsync(CatalogArtifact artifact, string target, InstallOutput output, CancellationToken ct)
    {
        var url = Url(artifact.File);
        if (url is null) return Fail(InstallError.Download, $"bad artifact file name in catalog: {artifact.File}", output);
        output.Add($"downloading {artifact.File} ({artifact.Size} bytes)");
        try
        {
            using var response = await http.SendAsync(Request(url), HttpCompletionOption.ResponseHeadersRead, ct);
            if (!response.IsSuccessStatusCode)
                return Fail(InstallError.Download, $"artifact server answered {(int)response.StatusCode} for {artifact.File}", output);

            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long total = 0;
            await using (var body = await response.Content.ReadAsStreamAsync(ct))
            await using (var file = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                var buffer = new byte[1 << 16];
                int read;
                while ((read = await body.ReadAsync(buffer, ct)) > 0)
                {
                    total += read;
                    if (total > artifact.Size)
                        return Fail(InstallError.Download, $"{artifact.File} is larger than the catalog's {artifact.Size} bytes", output);
                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), ct);
                }
            }
            if (total != artifact.Size)
                return Fail(InstallError.Download, $"{artifact.File} is {total} bytes, the catalog says {artifact.Size}", output);

            var actual = Convert.ToHexStringLower(hash.GetHashAndReset());
            if (!actual.Equals(artifact.Sha256, StringComparison.OrdinalIgnoreCase))
                return Fail(InstallError.ChecksumMismatch, $"{artifact.File} has SHA-256 {actual}, the catalog says {artifact.Sha256}", output);
            output.Add($"verified {artifact.File}: {total} bytes, sha256 {actual}");
            return null;
        }
        catch (HttpRequestException e) { return Fail(InstallError.Download, $"downloading {artifact.File} failed: {e.Message}", output); }
        catch (IOException e) when (e is not FileNotFoundException) { return Fail(InstallError.Download, $"downloading {artifact.File} failed: {e.Message}", output); }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested) { return Fail(InstallError.Download, $"downloading {artifact.File} timed out", output); }
    }

    /// <summary>The artifact's URL; each path segment escaped, and <c>..</c> refused, so a catalog entry cannot point elsewhere.</summary>
    private Uri? Url(string file)
    {
        var server = options.Value.ArtifactServer.TrimEnd('/');
        var segments = file.Split('/');
        if (server.Length == 0 || file.Length == 0 || segments.Any(s => s is "" or "." or "..")) return null;
        return Uri.TryCreate(server + "/" + string.Join('/', segments.Select(Uri.EscapeDataString)), UriKind.Absolute, out var uri) ? uri : null;
    }

    private HttpRequestMessage Request(Uri url)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.Value.ArtifactToken);
        return request;
    }

    private static InstallFailure Fail(InstallError error, string message, InstallOutput output)
    {
        output.Add(message);
        return new InstallFailure(error, message, output.Tail());
    }
}
