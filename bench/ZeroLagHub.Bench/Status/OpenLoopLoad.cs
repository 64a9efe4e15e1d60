using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;

namespace ZeroLagHub.Bench.Status;

/// <summary>
/// Open-loop HTTP GETs at a fixed rate over a fixed pool of keep-alive connections. Request <c>i</c> is planned
/// for <c>start + i / rate</c> and sent then, whether or not earlier ones have been answered, and its latency runs
/// from that planned time to the end of its body: a slow answer cannot hold back (and so hide) the requests
/// planned behind it (no coordinated omission). Time a request spends waiting for a free connection, or
/// behind a late sender, counts.
/// </summary>
/// <remarks>
/// The sender is one dedicated thread that wakes about every millisecond and sends whatever has fallen due,
/// so at 2,000 req/s it sends one or two per wake-up; its own lateness is reported apart (<see cref="LoadResult.SendLag"/>)
/// to tell a slow server from a slow load generator on a busy machine. No spinning: the machine has few cores.
/// </remarks>
internal sealed class OpenLoopLoad : IDisposable
{
    private readonly HttpClient _client;
    private readonly int _connections;
    private int _opened;

    public OpenLoopLoad(Uri baseAddress, string accessToken, int connections)
    {
        _connections = connections;
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            // Counts the connections, so the report can show that the measured stretch opened none.
            ConnectCallback = async (context, ct) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(context.DnsEndPoint, ct);
                    Interlocked.Increment(ref _opened);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        _client = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        _client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        _client.DefaultRequestVersion = HttpVersion.Version11;
        _client.DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact;
    }

    /// <summary>Connections opened so far.</summary>
    public int ConnectionsOpened => Volatile.Read(ref _opened);

    /// <summary>Opens the whole pool: a few rounds of as many concurrent requests as there are connections.</summary>
    public async Task OpenConnectionsAsync(IReadOnlyList<Uri> targets, CancellationToken ct)
    {
        for (var round = 0; round < 3 && ConnectionsOpened < _connections; round++)
        {
            await Task.WhenAll(Enumerable.Range(0, _connections).Select(async i =>
            {
                using var response = await _client.GetAsync(targets[i % targets.Count], ct);
                await response.Content.ReadAsByteArrayAsync(ct);
            }));
        }
    }

    /// <param name="targets">Request <c>i</c> goes to <c>targets[order[i % order.Length]]</c>.</param>
    /// <param name="check">Whether a 200 body is the kind of answer the run expects (e.g. served live); counted, never fatal.</param>
    public async Task<LoadResult> RunAsync(IReadOnlyList<Uri> targets, int[] order, double rate, TimeSpan duration,
        Func<ReadOnlyMemory<byte>, bool> check, CancellationToken ct)
    {
        var total = checked((int)Math.Round(rate * duration.TotalSeconds));
        var latency = new long[total];
        var lag = new long[total];
        var status = new int[total];
        var expected = new bool[total];
        var inFlight = 0;
        var maxInFlight = 0;
        var pending = new Task[total];
        var openedBefore = ConnectionsOpened;
        var ticksPerRequest = Stopwatch.Frequency / rate;

        async Task SendAsync(int i, long planned)
        {
            var now = Interlocked.Increment(ref inFlight);
            for (var seen = Volatile.Read(ref maxInFlight); now > seen; seen = Volatile.Read(ref maxInFlight))
                if (Interlocked.CompareExchange(ref maxInFlight, now, seen) == seen) break;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, targets[order[i % order.Length]]);
                using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
                var body = await response.Content.ReadAsByteArrayAsync(ct);
                latency[i] = Stopwatch.GetTimestamp() - planned;
                status[i] = (int)response.StatusCode;
                expected[i] = response.StatusCode == HttpStatusCode.OK && check(body);
            }
            catch (Exception e) when (e is HttpRequestException or IOException || (e is TaskCanceledException && !ct.IsCancellationRequested))
            {
                latency[i] = Stopwatch.GetTimestamp() - planned;
                status[i] = -1;
            }
            finally
            {
                Interlocked.Decrement(ref inFlight);
            }
        }

        var sendingDone = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        var start = Stopwatch.GetTimestamp();
        var sender = new Thread(() =>
        {
            try
            {
                var next = 0;
                while (next < total && !ct.IsCancellationRequested)
                {
                    var now = Stopwatch.GetTimestamp();
                    for (var planned = start + (long)(next * ticksPerRequest); next < total && planned <= now;
                         planned = start + (long)(next * ticksPerRequest))
                    {
                        lag[next] = Stopwatch.GetTimestamp() - planned;
                        pending[next] = SendAsync(next, planned);
                        next++;
                    }
                    if (next < total) Thread.Sleep(1);
                }
                for (var i = next; i < total; i++) pending[i] = Task.CompletedTask;
                sendingDone.SetResult(Stopwatch.GetTimestamp());
            }
            catch (Exception e)
            {
                sendingDone.SetException(e);
            }
        })
        { IsBackground = true, Name = "open-loop sender", Priority = ThreadPriority.AboveNormal };
        sender.Start();

        var sendEnd = await sendingDone.Task;
        await Task.WhenAll(pending);
        ct.ThrowIfCancellationRequested();
        var end = Stopwatch.GetTimestamp();

        var latencies = new LatencyRecorder();
        var lags = new LatencyRecorder();
        foreach (var ticks in latency) latencies.Record(ticks);
        foreach (var ticks in lag) lags.Record(ticks);
        return new LoadResult(
            Planned: total,
            SendSeconds: (sendEnd - start) / (double)Stopwatch.Frequency,
            CompleteSeconds: (end - start) / (double)Stopwatch.Frequency,
            Ok: status.Count(s => s == 200),
            NonOk: status.Count(s => s is > 0 and not 200),
            Failed: status.Count(s => s < 0),
            Unexpected: status.Where((s, i) => s == 200 && !expected[i]).Count(),
            MaxInFlight: maxInFlight,
            ConnectionsOpened: ConnectionsOpened - openedBefore,
            Latency: latencies,
            SendLag: lags);
    }

    public void Dispose() => _client.Dispose();
}

/// <param name="Planned">Requests planned (and sent) at the rate over the duration.</param>
/// <param name="SendSeconds">From the first planned time to the last send.</param>
/// <param name="CompleteSeconds">From the first planned time to the last answer.</param>
/// <param name="NonOk">Answered with another status than 200.</param>
/// <param name="Failed">No answer: connection error or client timeout.</param>
/// <param name="Unexpected">200 answers that failed the run's check (e.g. served stale from PostgreSQL).</param>
/// <param name="ConnectionsOpened">Connections opened during the run: 0 when the pool was open before.</param>
/// <param name="Latency">From each request's planned start to the end of its answer.</param>
/// <param name="SendLag">From each request's planned start to its send: the load generator's own lateness.</param>
internal sealed record LoadResult(int Planned, double SendSeconds, double CompleteSeconds, int Ok, int NonOk, int Failed, int Unexpected,
    int MaxInFlight, int ConnectionsOpened, LatencyRecorder Latency, LatencyRecorder SendLag)
{
    public int Errors => NonOk + Failed;

    /// <summary>Requests sent per second: the sends after the first over the time from the first planned send to the last send.</summary>
    public double SentRate => (Planned - 1) / Math.Max(SendSeconds, 1e-9);

    /// <summary>Answers per second, counting until the last one came in.</summary>
    public double AnsweredRate => (Ok + NonOk) / CompleteSeconds;
}
