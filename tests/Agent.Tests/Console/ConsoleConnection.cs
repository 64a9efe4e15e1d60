using System.Net;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace ZeroLagHub.Agent.Tests.Console;

/// <summary>A real WebSocket client of an agent's <c>/console</c>: collects terminal output as text and control messages apart.</summary>
internal sealed class ConsoleConnection : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly StringBuilder _text = new();
    private readonly List<string> _controls = [];
    private readonly byte[] _buffer = new byte[64 * 1024];
    private readonly Decoder _utf8 = Encoding.UTF8.GetDecoder();
    private readonly char[] _chars = new char[64 * 1024 + 4];

    private ConsoleConnection(ClientWebSocket socket) => _socket = socket;

    public string Text => _text.ToString();
    public int Length => _text.Length;
    public IReadOnlyList<string> Controls => _controls;
    public WebSocket Socket => _socket;

    public static Uri ConsoleUri(AgentHost host, string query)
    {
        var address = host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Uri(address.Replace("http://", "ws://") + "/console?" + query);
    }

    public static async Task<ConsoleConnection> OpenAsync(AgentHost host, string query = "kind=shell")
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", "Bearer " + AgentHost.Token);
        await socket.ConnectAsync(ConsoleUri(host, query), CancellationToken.None);
        return new ConsoleConnection(socket);
    }

    /// <summary>The HTTP status a refused upgrade got.</summary>
    public static async Task<HttpStatusCode> RefusedAsync(AgentHost host, string query)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.SetRequestHeader("Authorization", "Bearer " + AgentHost.Token);
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(ConsoleUri(host, query), CancellationToken.None));
        return socket.HttpStatusCode;
    }

    public Task TypeAsync(string keys) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(keys), WebSocketMessageType.Binary, true, CancellationToken.None);

    public Task ControlAsync(string json) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, CancellationToken.None);

    /// <summary>Receives until <paramref name="pattern"/> appears in the output at or after <paramref name="from"/>; returns its index.</summary>
    public async Task<int> UntilAsync(string pattern, int from = 0, int seconds = 20)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        int index;
        var searchFrom = from;
        while ((index = _text.ToString(searchFrom, _text.Length - searchFrom).IndexOf(pattern, StringComparison.Ordinal)) < 0)
        {
            searchFrom = Math.Max(from, _text.Length - pattern.Length);
            if (!await ReceiveAsync(timeout.Token))
                throw new EndOfStreamException($"console closed ({_socket.CloseStatus} {_socket.CloseStatusDescription}) before '{pattern}'; output tail: {Tail()}");
        }
        return searchFrom + index;
    }

    /// <summary>Receives until the next control message.</summary>
    public async Task<string> NextControlAsync(int seconds = 10)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        var count = _controls.Count;
        while (_controls.Count == count)
            if (!await ReceiveAsync(timeout.Token)) throw new EndOfStreamException("console closed before a control message");
        return _controls[count];
    }

    /// <summary>Receives until the server closes; returns its close status and reason.</summary>
    public async Task<(WebSocketCloseStatus? Status, string? Reason)> UntilClosedAsync(int seconds = 20)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        while (await ReceiveAsync(timeout.Token)) { }
        return (_socket.CloseStatus, _socket.CloseStatusDescription);
    }

    private string Tail() => _text.ToString(Math.Max(0, _text.Length - 300), Math.Min(300, _text.Length));

    private async Task<bool> ReceiveAsync(CancellationToken ct)
    {
        var result = await _socket.ReceiveAsync(_buffer, ct);
        switch (result.MessageType)
        {
            case WebSocketMessageType.Close:
                return false;
            case WebSocketMessageType.Text:
                _controls.Add(Encoding.UTF8.GetString(_buffer, 0, result.Count));
                return true;
            default:
                var n = _utf8.GetChars(_buffer, 0, result.Count, _chars, 0);
                _text.Append(_chars, 0, n);
                return true;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try { await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", timeout.Token); }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException) { }
        }
        _socket.Dispose();
    }
}
