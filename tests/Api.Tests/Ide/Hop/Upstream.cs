using System.Collections.Concurrent;
using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ZeroLagHub.Api.Tests.Ide.Hop;

/// <summary>
/// Stands in for an agent (and code-server behind it) on real Kestrel: echoes what it received, streams large bodies, holds a
/// response or an upload at a gate the test opens, and echoes WebSocket messages after the same Origin
/// check code-server makes (Origin's host must equal X-Forwarded-Host, else Host). Listens on a loopback
/// port, as an agent does today.
/// </summary>
public sealed class Upstream : IAsyncDisposable
{
    private readonly WebApplication _app;

    private Upstream(WebApplication app) => _app = app;

    /// <summary>The loopback address.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Gates keyed by the <c>id</c> query parameter: <c>/gated</c> waits on one after its first chunk.</summary>
    public ConcurrentDictionary<string, TaskCompletionSource> Gates { get; } = new();

    /// <summary>Set by <c>/upload-gated</c> when the first bytes of a body arrive, keyed by <c>id</c>.</summary>
    public ConcurrentDictionary<string, TaskCompletionSource> FirstBytes { get; } = new();

    /// <summary>How each WebSocket (keyed by <c>id</c>) ended on this side: the close status the peer sent, or "aborted".</summary>
    public ConcurrentDictionary<string, TaskCompletionSource<string>> WebSocketEnds { get; } = new();

    public static async Task<Upstream> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var upstream = new Upstream(app);
        app.UseWebSockets();
        app.Map("/", upstream.Echo);
        app.Map("/echo/{**rest}", upstream.Echo);
        app.MapGet("/bytes/{count:long}", Bytes);
        app.MapGet("/gated", upstream.Gated);
        app.MapPost("/upload", (Delegate)Upload);
        app.MapPost("/upload-gated", upstream.UploadGated);
        app.MapGet("/slow", async (HttpContext c) => { await Task.Delay(TimeSpan.FromSeconds(30), c.RequestAborted); return "late"; });
        app.MapGet("/redirect", () => Results.Redirect("/elsewhere"));
        app.MapGet("/empty-404", (HttpContext c) => { c.Response.StatusCode = 404; c.Response.ContentLength = 0; });
        app.MapGet("/hop-headers", (HttpContext c) =>
        {
            c.Response.Headers["Keep-Alive"] = "timeout=5";
            c.Response.Headers["Connection"] = "X-Hop-Secret";
            c.Response.Headers["X-Hop-Secret"] = "named by Connection";
            c.Response.Headers["X-Kept"] = "end-to-end";
            return "ok";
        });
        app.Map("/ws", upstream.WebSocketEcho);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        upstream.BaseAddress = new Uri(address);
        return upstream;
    }

    private async Task Echo(HttpContext c)
    {
        long length = 0;
        var buffer = new byte[16 * 1024];
        for (int n; (n = await c.Request.Body.ReadAsync(buffer)) > 0;) length += n;
        await c.Response.WriteAsJsonAsync(new EchoedRequest(c.Request.Method, c.Request.Path.Value ?? "", c.Request.QueryString.Value ?? "",
            c.Request.Protocol, c.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), length));
    }

    private static async Task Bytes(HttpContext c, long count)
    {
        c.Response.ContentType = "application/octet-stream";
        var chunk = new byte[64 * 1024];
        for (long sent = 0; sent < count; sent += chunk.Length)
            await c.Response.Body.WriteAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, count - sent)), c.RequestAborted);
    }

    private async Task Gated(HttpContext c, string id)
    {
        var gate = Gates.GetOrAdd(id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        await c.Response.WriteAsync("first;", c.RequestAborted);
        await c.Response.Body.FlushAsync(c.RequestAborted);
        await gate.Task.WaitAsync(c.RequestAborted);
        await c.Response.WriteAsync("rest", c.RequestAborted);
    }

    private static async Task<IResult> Upload(HttpContext c)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[64 * 1024];
        long length = 0;
        for (int n; (n = await c.Request.Body.ReadAsync(buffer)) > 0; length += n) sha.AppendData(buffer, 0, n);
        return Results.Ok(new UploadReceipt(length, Convert.ToHexString(sha.GetHashAndReset())));
    }

    private async Task<IResult> UploadGated(HttpContext c, string id)
    {
        var buffer = new byte[64 * 1024];
        long length = 0;
        for (int n; (n = await c.Request.Body.ReadAsync(buffer)) > 0; length += n)
            FirstBytes.GetOrAdd(id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        return Results.Ok(new UploadReceipt(length, ""));
    }

    private async Task WebSocketEcho(HttpContext c)
    {
        if (!c.WebSockets.IsWebSocketRequest) { c.Response.StatusCode = 400; return; }
        var host = c.Request.Headers["X-Forwarded-Host"].FirstOrDefault() ?? c.Request.Host.Value;
        if (c.Request.Headers.Origin.FirstOrDefault() is { } origin && new Uri(origin).Authority != host)
        {
            c.Response.StatusCode = 403;   // what code-server does, and why the public Host must stay visible
            return;
        }
        var end = WebSocketEnds.GetOrAdd(c.Request.Query["id"].ToString(), _ => new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously));
        using var ws = await c.WebSockets.AcceptWebSocketAsync();
        var buffer = new byte[1024 * 1024];
        try
        {
            while (true)
            {
                var count = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await ws.ReceiveAsync(buffer.AsMemory(count), c.RequestAborted);
                    count += result.Count;
                } while (!result.EndOfMessage);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    end.TrySetResult($"{(int?)ws.CloseStatus} {ws.CloseStatusDescription}");
                    await ws.CloseOutputAsync(ws.CloseStatus ?? WebSocketCloseStatus.NormalClosure, ws.CloseStatusDescription, CancellationToken.None);
                    return;
                }
                var text = System.Text.Encoding.UTF8.GetString(buffer, 0, count);
                if (text == "server-close")
                {
                    await ws.CloseAsync((WebSocketCloseStatus)4000, "server-bye", CancellationToken.None);
                    end.TrySetResult("server closed");
                    return;
                }
                if (text == "server-abort")
                {
                    end.TrySetResult("server aborted");
                    c.Abort();
                    return;
                }
                await ws.SendAsync(buffer.AsMemory(0, count), result.MessageType, endOfMessage: true, c.RequestAborted);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
            end.TrySetResult("aborted");
        }
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

public sealed record EchoedRequest(string Method, string Path, string Query, string Protocol, Dictionary<string, string> Headers, long BodyLength);

public sealed record UploadReceipt(long Length, string Sha256);
