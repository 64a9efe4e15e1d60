using System.Collections.Concurrent;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ZeroLagHub.Agent.Tests.Ide;

/// <summary>
/// Stands in for code-server on a Unix domain socket only, as the agent runs it (real Kestrel, no TCP port):
/// echoes each request as JSON and WebSocket messages back, after code-server's Origin check (Origin's host
/// must equal X-Forwarded-Host, else Host).
/// </summary>
public sealed class CodeServerStandIn : IAsyncDisposable
{
    private readonly WebApplication _app;

    private CodeServerStandIn(WebApplication app) => _app = app;

    public ConcurrentQueue<string> Paths { get; } = new();

    /// <summary>Listens on <paramref name="socketPath"/> (its directory is created).</summary>
    public static async Task<CodeServerStandIn> StartAsync(string socketPath)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(socketPath)!);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.ListenUnixSocket(socketPath));
        var app = builder.Build();
        var standIn = new CodeServerStandIn(app);
        app.UseWebSockets();
        app.Use(async (c, next) => { standIn.Paths.Enqueue(c.Request.Path.Value ?? ""); await next(c); });
        app.Map("/stable/ws", Echo);
        app.MapPost("/upload", (Delegate)Upload);
        app.MapGet("/bytes/{count:long}", Bytes);
        app.Map("/{**rest}", (HttpContext c) => Results.Ok(new SeenRequest(c.Request.Path.Value ?? "", c.Request.QueryString.Value ?? "",
            c.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase))));
        await app.StartAsync();
        return standIn;
    }

    private static async Task Echo(HttpContext c)
    {
        var host = c.Request.Headers["X-Forwarded-Host"].FirstOrDefault() ?? c.Request.Host.Value;
        if (!c.WebSockets.IsWebSocketRequest || c.Request.Headers.Origin.FirstOrDefault() is not { } origin || new Uri(origin).Authority != host)
        {
            c.Response.StatusCode = 403;
            return;
        }
        using var ws = await c.WebSockets.AcceptWebSocketAsync();
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var result = await ws.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                await ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
                return;
            }
            await ws.SendAsync(buffer.AsMemory(0, result.Count), result.MessageType, result.EndOfMessage, CancellationToken.None);
        }
    }

    /// <summary>The body's length and SHA-256, as read.</summary>
    private static async Task<IResult> Upload(HttpContext c)
    {
        using var sha = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        var buffer = new byte[64 * 1024];
        long length = 0;
        for (int n; (n = await c.Request.Body.ReadAsync(buffer)) > 0; length += n) sha.AppendData(buffer, 0, n);
        return Results.Ok(new UploadReceipt(length, Convert.ToHexString(sha.GetHashAndReset())));
    }

    private static async Task Bytes(HttpContext c, long count)
    {
        c.Response.ContentType = "application/octet-stream";
        var chunk = new byte[64 * 1024];
        for (long sent = 0; sent < count; sent += chunk.Length)
            await c.Response.Body.WriteAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, count - sent)), c.RequestAborted);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

public sealed record UploadReceipt(long Length, string Sha256);

public sealed record SeenRequest(string Path, string Query, Dictionary<string, string> Headers);
