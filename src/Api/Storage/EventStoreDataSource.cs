using Npgsql;

namespace ZeroLagHub.Api.Storage;

/// <summary>The connection pool the API's storage (Marten, Wolverine, our own tables) runs on.</summary>
public static class EventStoreDataSource
{
    /// <remarks>
    /// <c>No Reset On Close</c>: otherwise Npgsql sends <c>DISCARD ALL</c> whenever a connection goes back
    /// to the pool, which also throws away PostgreSQL's cached plans, so every append was planned afresh
    /// (about half the appends per second at 8 writers, measured here on the event store before Marten). Safe because nothing here leaves session state on a pooled connection:
    /// session advisory locks and LISTEN live on dedicated, non-pooled connections.
    /// </remarks>
    public static NpgsqlDataSource Create(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.ConnectionStringBuilder.NoResetOnClose = true;
        return builder.Build();
    }
}
