using Marten;
using ZeroLagHub.Api.Audit.Chain;

namespace ZeroLagHub.Api.Storage.LegacyEvents;

/// <summary>
/// Refuses to start the API on a database that still holds the previous version's events: serving
/// would show containers without their history and append new streams beside the old ones. The message
/// names the one command that copies them (<see cref="MigrateEventsCommand"/>).
/// </summary>
public sealed class LegacyEventsGuard(IDocumentStore store) : IHostedService
{
    public const string Command = "dotnet ZeroLagHub.Api.dll migrate-events";

    public async Task StartAsync(CancellationToken ct)
    {
        await using var connection = await ChainConnection.OpenAsync(store, ct);
        var waiting = await LegacyEventTables.CountAsync(connection, null, ct);
        if (waiting > 0) throw new LegacyEventsFoundException(waiting);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}

/// <summary>The previous version's events are still where it left them.</summary>
public sealed class LegacyEventsFoundException(long events) : InvalidOperationException(
    $"this database holds {events} events written by the previous version ({LegacyEventTables.Events}), which this version does not read. " +
    $"Stop every API node and run `{LegacyEventsGuard.Command}` once, with the same ZLH_* settings: it copies every stream into Marten's " +
    "tables with its ids, versions, timestamps and metadata, checks the counts and the new hash chain, and keeps the old tables renamed.")
{
    public long Events { get; } = events;
}
