using System.Net.Sockets;

namespace ZeroLagHub.Projections.Redis;

/// <summary>Opens the TCP socket both connection kinds use.</summary>
internal static class RedisSocket
{
    public static async Task<Socket> ConnectAsync(RedisOptions options, CancellationToken cancellationToken)
    {
        // Dual-mode socket + DnsEndPoint: "localhost", IPv4 and IPv6 hosts all work.
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        // Keepalive finds a peer that vanished without a FIN (host crash, dropped NAT entry) on an idle connection.
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ConnectTimeout);
        try
        {
            await socket.ConnectAsync(options.Host, options.Port, timeout.Token).ConfigureAwait(false);
            return socket;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new RedisConnectionException($"connecting to {options.EndPoint} took longer than {options.ConnectTimeout.TotalMilliseconds:0} ms");
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new RedisConnectionException($"cannot connect to {options.EndPoint}: {e.SocketErrorCode}", e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
