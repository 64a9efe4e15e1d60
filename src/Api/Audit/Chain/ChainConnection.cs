using Marten;
using Npgsql;

namespace ZeroLagHub.Api.Audit.Chain;

/// <summary>A connection to the store's database, for the chain's reads: Marten's own connection settings, no session.</summary>
internal static class ChainConnection
{
    public static async Task<NpgsqlConnection> OpenAsync(IDocumentStore store, CancellationToken ct)
    {
        var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        return connection;
    }
}
