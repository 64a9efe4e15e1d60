using System.Net.WebSockets;
using System.Text;

namespace ZeroLagHub.Agent.Tests.Server;

/// <summary>A WebSocket client on the agent's <c>/console?kind=server</c>: collects the output, types input.</summary>
public sealed class ServerConsoleClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly StringBuilder _output = new();
    private readonly Task _reader;

    private ServerConsoleClient(ClientWebSocket socket)
    {
        _socket = socket;
        _reader = ReadAsync();
    }

    public static async Task<ServerConsoleClient> ConnectAsync(GameAgent agent)
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", "Bearer " + AgentHost.Token);
        var uri = new UriBuilder(agent.ClientOptions.BaseAddress) { Scheme = "ws", Path = "/console", Query = "kind=server" }.Uri;
        await socket.ConnectAsync(uri, CancellationToken.None);
        return new ServerConsoleClient(socket);
    }

    public string Output { get { lock (_output) return _output.ToString(); } }

    public Task TypeAsync(string text) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Binary, true, CancellationToken.None);

    /// <summary>Waits (real time) until the output contains <paramref name="text"/>.</summary>
    public async Task WaitForAsync(string text, int seconds = 15)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"console never showed '{text}'; it showed:\n{Output}");
            await Task.Delay(50);
        }
    }

    private async Task ReadAsync()
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (_socket.State == WebSocketState.Open)
            {
                var result = await _socket.ReceiveAsync(buffer, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close) break;
                if (result.MessageType == WebSocketMessageType.Binary)
                    lock (_output) _output.Append(Encoding.UTF8.GetString(buffer, 0, result.Count));
            }
        }
        catch (WebSocketException) { }
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            try { await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None); }
            catch (WebSocketException) { }
        }
        await _reader;
        _socket.Dispose();
    }
}
