using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using ZeroLagHub.Domain.Agent;

namespace ZeroLagHub.Agent.Tests.Install;

/// <summary>
/// A small artifact server on real Kestrel (loopback): serves <c>_catalog.json</c>, built from what the
/// test added, and the artifacts, only to requests bearing <see cref="Token"/> (401 otherwise). Records
/// every path asked for, so a test can tell that nothing was downloaded.
/// </summary>
public sealed class ArtifactServerFixture : IAsyncDisposable
{
    public const string Token = "artifact-token-0123456789abcdef";
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, byte[]> _files = new();
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, CatalogArtifact>> _runtimes = new();
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, CatalogArtifact>> _addons = new();

    private ArtifactServerFixture()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.Use(async (context, next) =>
        {
            Requests.Enqueue(context.Request.Path.Value!.TrimStart('/'));
            if (context.Request.Headers.Authorization.ToString() != "Bearer " + Token)
            {
                context.Response.StatusCode = 401;
                return;
            }
            await next();
        });
        _app.MapGet("/_catalog.json", () => Results.Json(new RuntimeCatalog(Snapshot(_runtimes), Snapshot(_addons))));
        _app.MapGet("/{**file}", (string file) => _files.TryGetValue(file, out var bytes)
            ? Results.Bytes(bytes, "application/octet-stream") : Results.NotFound());
    }

    public static async Task<ArtifactServerFixture> StartAsync()
    {
        var server = new ArtifactServerFixture();
        await server._app.StartAsync();
        return server;
    }

    public string Url => _app.Urls.First();

    /// <summary>Paths asked for, in order, authorised or not.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    public int Downloads(string file) => Requests.Count(r => r == file);

    /// <summary>The settings that point an agent at this server with the right token.</summary>
    public Dictionary<string, string> AgentSettings() => new() { ["ArtifactServer"] = Url, ["ArtifactToken"] = Token };

    /// <summary>Serves <paramref name="content"/> as <paramref name="file"/>; the catalog lists its true hash unless <paramref name="claimedSha256"/> says otherwise.</summary>
    public CatalogArtifact AddRuntime(string runtime, string version, string file, string archivePrefix, byte[] content, string? claimedSha256 = null) =>
        Add(_runtimes, runtime, version, file, archivePrefix, content, claimedSha256);

    public CatalogArtifact AddAddon(string addon, string version, string file, byte[] content) =>
        Add(_addons, addon, version, file, addon, content, null);

    private CatalogArtifact Add(ConcurrentDictionary<string, ConcurrentDictionary<string, CatalogArtifact>> section,
        string name, string version, string file, string archivePrefix, byte[] content, string? claimedSha256)
    {
        _files[file] = content;
        var artifact = new CatalogArtifact(file, archivePrefix, claimedSha256 ?? Convert.ToHexStringLower(SHA256.HashData(content)), content.Length);
        section.GetOrAdd(name, _ => new())[version] = artifact;
        return artifact;
    }

    private static Dictionary<string, IReadOnlyDictionary<string, CatalogArtifact>> Snapshot(
        ConcurrentDictionary<string, ConcurrentDictionary<string, CatalogArtifact>> section) =>
        section.ToDictionary(s => s.Key, s => (IReadOnlyDictionary<string, CatalogArtifact>)s.Value.ToDictionary());

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
