using System.Buffers;
using System.Net;
using System.Net.WebSockets;
using ZeroLagHub.Api.Hosts;

namespace ZeroLagHub.Api.Console;

/// <summary>
/// Relays a console WebSocket between the browser and the agent, message by message (binary = terminal
/// bytes, text = JSON control; both passed as they are). A frame relay rather than the forwarder's byte
/// tunnel because the ends must be told apart: when the agent's side drops without a close (agent killed
/// or restarted), the browser gets close 1012 "agent restarted, reconnect" instead of a dead connection.
/// A close from either side is passed on with its status and reason.
/// </summary>
public sealed partial class ConsoleRelay(ILogger<ConsoleRelay> log)
{
    /// <summary>RFC 6455 registry: "Service Restart"; the client should reconnect.</summary>
    public const WebSocketCloseStatus ServiceRestart = (WebSocketCloseStatus)1012;
    public const string AgentGoneReason = "agent restarted, reconnect";

    private static readonly TimeSpan CloseGrace = TimeSpan.FromSeconds(5);
    private const int BufferSize = 16 * 1024;

    /// <summary>Opens the agent's console socket; on refusal, the agent's HTTP status (0 when unreachable).</summary>
    public async Task<(ClientWebSocket? Socket, int RefusedStatus)> ConnectAsync(AgentEndpoint agent, string query, CancellationToken ct)
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", "Bearer " + agent.Token);
        // Pings both ways find an agent host that stopped answering without closing the connection.
        socket.Options.KeepAliveInterval = TimeSpan.FromSeconds(5);
        socket.Options.KeepAliveTimeout = TimeSpan.FromSeconds(15);
        socket.Options.CollectHttpResponseDetails = true;
        var uri = new UriBuilder(new Uri(agent.BaseAddress, "console"))
        {
            Scheme = agent.BaseAddress.Scheme == Uri.UriSchemeHttps ? "wss" : "ws",
            Query = query,
        }.Uri;
        try
        {
            // Its own handler, dialled through AgentConnection (a local agent's Unix socket); it holds no connection
            // but the socket's, which ends with the socket.
            await socket.ConnectAsync(uri, new HttpMessageInvoker(AgentConnection.CreateHandlerFor(agent)), ct);
            return (socket, 0);
        }
        catch (WebSocketException e)
        {
            var status = (int)socket.HttpStatusCode;
            LogAgentRefused(log, status, e.WebSocketErrorCode);
            socket.Dispose();
            return (null, status == (int)HttpStatusCode.SwitchingProtocols ? 0 : status);
        }
    }

    /// <summary>Runs until both sides are closed (or one is gone and the other did not finish its close within a grace period).</summary>
    public async Task RelayAsync(WebSocket client, WebSocket agent, CancellationToken ct)
    {
        var up = PumpAsync(client, agent, WebSocketCloseStatus.NormalClosure, "client went away", ct);
        var down = PumpAsync(agent, client, ServiceRestart, AgentGoneReason, ct);
        var both = Task.WhenAll(up, down);
        await Task.WhenAny(up, down);
        if (await Task.WhenAny(both, Task.Delay(CloseGrace, CancellationToken.None)) != both)
        {
            client.Abort();
            agent.Abort();
        }
        await both;
        LogRelayEnded(log, client.CloseStatus, agent.CloseStatus);
    }

    /// <summary>Copies messages from <paramref name="source"/> until it closes (close passed on) or fails (<paramref name="failStatus"/> sent instead).</summary>
    private static async Task PumpAsync(WebSocket source, WebSocket destination, WebSocketCloseStatus failStatus, string failReason, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            while (true)
            {
                ValueWebSocketReceiveResult received;
                try { received = await source.ReceiveAsync(buffer.AsMemory(), ct); }
                catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
                {
                    await CloseQuietlyAsync(destination, failStatus, failReason);
                    return;
                }
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    // 1005 ("no status") may be received but not sent.
                    var status = source.CloseStatus is { } s and not WebSocketCloseStatus.Empty ? s : WebSocketCloseStatus.NormalClosure;
                    await CloseQuietlyAsync(destination, status, source.CloseStatusDescription);
                    return;
                }
                try { await destination.SendAsync(buffer.AsMemory(0, received.Count), received.MessageType, received.EndOfMessage, ct); }
                catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
                {
                    // The destination is gone: its own pump reports that; stop reading this side.
                    return;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task CloseQuietlyAsync(WebSocket socket, WebSocketCloseStatus status, string? reason)
    {
        if (socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived)) return;
        using var timeout = new CancellationTokenSource(CloseGrace);
        try { await socket.CloseOutputAsync(status, reason, timeout.Token); }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException) { }
    }

    [LoggerMessage(EventId = 820, Level = LogLevel.Information, Message = "The agent refused the console socket (HTTP {Status}, {Error})")]
    private static partial void LogAgentRefused(ILogger log, int status, WebSocketError error);

    [LoggerMessage(EventId = 821, Level = LogLevel.Debug, Message = "Console relay ended (client {ClientClose}, agent {AgentClose})")]
    private static partial void LogRelayEnded(ILogger log, WebSocketCloseStatus? clientClose, WebSocketCloseStatus? agentClose);
}
