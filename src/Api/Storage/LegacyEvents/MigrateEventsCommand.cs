using Marten;

namespace ZeroLagHub.Api.Storage.LegacyEvents;

/// <summary>
/// <c>dotnet ZeroLagHub.Api.dll migrate-events</c>: builds the API's services from the same configuration
/// (appsettings.json, ZLH_*), creates Marten's schema with the hash chain, copies the previous version's
/// events (<see cref="CopyLegacyEvents"/>) and exits. A verb, not a start-up step, so the copy of a large
/// store is started by an operator who stopped every node, not by whichever node starts first.
/// </summary>
public static class MigrateEventsCommand
{
    /// <returns>0 copied and verified (or nothing to copy), 1 refused or failed (nothing copied), 2 broken chain after the copy.</returns>
    public static async Task<int> RunAsync(IServiceProvider services, TextWriter output, TextWriter error, CancellationToken ct = default)
    {
        if (services.GetService<IDocumentStore>() is not { } store)
        {
            await error.WriteLineAsync("migrate-events: this build registers no Marten store (IDocumentStore)");
            return 1;
        }
        try
        {
            await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
            var result = await new CopyLegacyEvents(store).ExecuteAsync(ct);
            if (result == LegacyCopyResult.NothingToCopy)
            {
                await output.WriteLineAsync("migrate-events: no events of the previous version to copy; nothing changed");
                return 0;
            }
            await output.WriteLineAsync($"migrate-events: copied {result.Streams} streams, {result.Events} events into Marten; " +
                $"the old tables are kept as es.events{LegacyEventTables.CopiedSuffix} and es.streams{LegacyEventTables.CopiedSuffix}");
            if (result.BrokenStreams > 0)
            {
                await error.WriteLineAsync($"migrate-events: {result.BrokenStreams} streams do not verify after the copy: run `zlh audit verify --all`");
                return 2;
            }
            await output.WriteLineAsync("migrate-events: counts match and every stream's hash chain verifies");
            return 0;
        }
        catch (Exception e) when (e is InvalidOperationException or Npgsql.NpgsqlException)
        {
            // The message names the streams or counts; never a connection string.
            await error.WriteLineAsync($"migrate-events: {e.Message}");
            return 1;
        }
    }
}
