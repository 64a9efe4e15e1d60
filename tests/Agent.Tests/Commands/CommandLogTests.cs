using System.Text.Json;
using Microsoft.Extensions.Options;
using ZeroLagHub.Agent.Commands;
using ZeroLagHub.Agent.Hosting;

namespace ZeroLagHub.Agent.Tests.Commands;

public sealed class CommandLogTests : IDisposable
{
    private readonly Sandbox _sandbox = new();

    private CommandLog NewLog() => new(Options.Create(new AgentOptions { DataDir = _sandbox.Path("data") }));

    private static Func<Task<CommandRecord>> Act(Action counter, int status = 200, string body = "done") => () =>
    {
        counter();
        return Task.FromResult(new CommandRecord("", status, JsonSerializer.SerializeToElement(body), DateTimeOffset.UtcNow));
    };

    [Fact]
    public async Task ARepeatedCommandIdReturnsTheFirstResultWithoutActingAgainEvenAfterARestart()
    {
        var runs = 0;
        var first = await NewLog().RunOnceAsync("cmd-1", "POST /provision", Act(() => runs++, 202, "first"));
        var again = await NewLog().RunOnceAsync("cmd-1", "POST /provision", Act(() => runs++, 500, "second"));
        Assert.Equal(1, runs);
        Assert.Equal(202, again.StatusCode);
        Assert.Equal("first", again.Body.GetString());
        Assert.Equal((first.Operation, first.StatusCode, first.At), (again.Operation, again.StatusCode, again.At));
    }

    [Fact]
    public async Task ConcurrentDeliveriesOfOneIdActOnce()
    {
        var runs = 0;
        var log = NewLog();
        var gate = new TaskCompletionSource();
        var deliveries = Enumerable.Range(0, 8).Select(_ => log.RunOnceAsync("cmd-2", "POST /x", async () =>
        {
            Interlocked.Increment(ref runs);
            await gate.Task;
            return new CommandRecord("", 200, JsonSerializer.SerializeToElement("ok"), DateTimeOffset.UtcNow);
        })).ToArray();
        gate.SetResult();
        await Task.WhenAll(deliveries);
        Assert.Equal(1, runs);
    }

    [Fact]
    public async Task AnIdReusedForAnotherOperationIsRefused()
    {
        var log = NewLog();
        await log.RunOnceAsync("cmd-3", "POST /provision", Act(() => { }));
        var error = await Assert.ThrowsAsync<CommandIdReusedException>(() => log.RunOnceAsync("cmd-3", "POST /dev/codeserver/start", Act(() => { })));
        Assert.Contains("POST /provision", error.Message);
    }

    public void Dispose() => _sandbox.Dispose();
}
