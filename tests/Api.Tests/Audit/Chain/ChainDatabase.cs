using Marten;
using ZeroLagHub.Testing;

namespace ZeroLagHub.Api.Tests.Audit.Chain;

/// <summary>A test database with Marten's event tables and the hash chain applied, and a store on it.</summary>
public class ChainDatabase : PostgresDatabase, IAsyncLifetime
{
    public DocumentStore Store { get; private set; } = null!;

    protected override async Task OnCreatedAsync() => Store = await ChainedStore.CreateAppliedAsync(ConnectionString);

    async Task IAsyncLifetime.DisposeAsync()
    {
        Store.Dispose();
        await base.DisposeAsync();
    }
}
