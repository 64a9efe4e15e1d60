using Npgsql;

namespace ZeroLagHub.Api.Storage;

/// <summary>
/// A connection of its own, outside the pool, with the data source's credentials: for session state that
/// must live and die with one backend (advisory locks, LISTEN).
/// </summary>
/// <remarks>
/// Not <c>new NpgsqlConnection(settings)</c> alone: <see cref="NpgsqlDataSource.ConnectionString"/>, which the
/// settings start from, leaves the password out (unless Persist Security Info=true), so that connection would
/// fail on any server that asks for one, as the local PostgreSQL of scripts/services.sh does.
/// <see cref="NpgsqlConnection.CloneWith"/> puts the data source's password back.
/// </remarks>
public static class DedicatedConnection
{
    /// <param name="dataSource">Whose server and credentials.</param>
    /// <param name="settings">Made from <c>dataSource.ConnectionString</c>, with Pooling=false and whatever the caller needs.</param>
    public static NpgsqlConnection Create(NpgsqlDataSource dataSource, NpgsqlConnectionStringBuilder settings)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(settings);
        using var template = dataSource.CreateConnection();
        return template.CloneWith(settings.ConnectionString);
    }
}
