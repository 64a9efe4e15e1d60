using System.Net.Http.Json;

namespace ZeroLagHub.Api.Tests.Ide.Hop;

/// <summary>
/// Bodies pass through as they arrive. Proved by gates (the far side waits for the near side to have
/// seen the first bytes: a buffering forwarder deadlocks) and by allocation over a 50 MB response.
/// </summary>
public sealed class StreamingTests(HopFixture fixture) : IClassFixture<HopFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly HttpClient _client = fixture.Client();

    [Fact]
    public async Task TheResponseReachesTheClientBeforeTheNextHopHasFinishedIt()
    {
        var id = Guid.NewGuid().ToString();
        using var response = await _client.GetAsync($"/ide/gated?id={id}", HttpCompletionOption.ResponseHeadersRead);
        var body = await response.Content.ReadAsStreamAsync();
        var first = new byte[6];
        await body.ReadExactlyAsync(first).AsTask().WaitAsync(Patience);
        Assert.Equal("first;", System.Text.Encoding.ASCII.GetString(first));

        fixture.Upstream.Gates.GetOrAdd(id, _ => new TaskCompletionSource()).SetResult();
        Assert.Equal("rest", await new StreamReader(body).ReadToEndAsync().WaitAsync(Patience));
    }

    [Fact]
    public async Task TheRequestBodyReachesTheNextHopBeforeTheClientHasFinishedIt()
    {
        var id = Guid.NewGuid().ToString();
        var arrived = fixture.Upstream.FirstBytes.GetOrAdd(id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        var content = new GatedContent(arrived.Task.WaitAsync(Patience));
        var response = await _client.PostAsync($"/ide/upload-gated?id={id}", content);
        Assert.Equal(2 * GatedContent.Part, (await response.Content.ReadFromJsonAsync<UploadReceipt>())!.Length);
    }

    /// <summary>Sends one part, waits until the upstream has it, then sends the second.</summary>
    private sealed class GatedContent(Task firstPartArrived) : HttpContent
    {
        public const int Part = 64 * 1024;

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            await stream.WriteAsync(new byte[Part]);
            await stream.FlushAsync();
            await firstPartArrived;
            await stream.WriteAsync(new byte[Part]);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }
}

[CollectionDefinition(nameof(AllocationSensitive), DisableParallelization = true)]
public sealed class AllocationSensitive;

/// <summary>Alone in its collection: it measures the whole process's allocations.</summary>
[Collection(nameof(AllocationSensitive))]
public sealed class LargeResponseTests(HopFixture fixture) : IClassFixture<HopFixture>
{
    private const long FiftyMegabytes = 50L * 1024 * 1024;

    [Fact]
    public async Task AFiftyMegabyteResponseStreamsThroughWithoutBeingBuffered()
    {
        using var client = fixture.Client();
        await Read(client, 1024 * 1024);   // warm up connections and code paths

        var before = GC.GetTotalAllocatedBytes(precise: true);
        var received = await Read(client, FiftyMegabytes);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        Assert.Equal(FiftyMegabytes, received);
        // Both ends and the forwarder run in this process; buffering the body anywhere would allocate ≥ 50 MB.
        Assert.True(allocated < 16 * 1024 * 1024, $"allocated {allocated / 1024 / 1024} MB while streaming 50 MB");
    }

    private static async Task<long> Read(HttpClient client, long count)
    {
        using var response = await client.GetAsync($"/ide/bytes/{count}", HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[64 * 1024];
        long total = 0;
        for (int n; (n = await body.ReadAsync(buffer)) > 0;) total += n;
        return total;
    }
}
