using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ZeroLagHub.Domain.Agent;

namespace ZeroLagHub.Bench.Polling;

/// <summary>
/// <c>poller-stubs</c>: the agent stubs, in a process of their own so that their CPU is measured apart
/// from the poller's. One Kestrel on a few loopback ports answers <c>/c/{id}/health</c> and
/// <c>/c/{id}/journal</c> for any container id. Talks to <see cref="StubProcess"/> over its standard
/// streams: prints its addresses, answers <c>grow SHARE</c> with <c>grew N</c>, and exits when its
/// standard input closes (so it never outlives the benchmark).
/// </summary>
internal static class PollerStubs
{
    public const string Command = "poller-stubs";
    public const string ReadyPrefix = "stubs listening:";

    public static async Task<int> RunAsync(string[] args, CancellationToken ct)
    {
        var ports = (int)Options.Parse(args, "--ports").Count("--ports", 16, 1);
        var journals = new StubJournals();
        var started = DateTimeOffset.UtcNow;

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k =>
        {
            for (var i = 0; i < ports; i++) k.Listen(IPAddress.Loopback, 0);
        });
        await using var app = builder.Build();
        app.MapGet("/c/{id:guid}/health", (Guid id) =>
            new AgentHealth("ok", id, StubIdentity.InstanceOf(id), (DateTimeOffset.UtcNow - started).TotalSeconds, "bench-stub"));
        app.MapGet("/c/{id:guid}/journal", (Guid id, long after, int limit, HttpRequest request) =>
            request.Headers.Authorization == $"Bearer {StubIdentity.Token}"
                ? Results.Ok(journals.Read(id, after, limit))
                : Results.Unauthorized());
        await app.StartAsync(ct);

        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        Console.WriteLine($"{ReadyPrefix} {string.Join(' ', addresses)}");
        while (await Console.In.ReadLineAsync(ct) is { } line)
        {
            if (line.StartsWith("grow ", StringComparison.Ordinal))
                Console.WriteLine($"grew {journals.Grow(double.Parse(line[5..], CultureInfo.InvariantCulture))}");
        }
        await app.StopAsync(CancellationToken.None);
        return 0;
    }
}
