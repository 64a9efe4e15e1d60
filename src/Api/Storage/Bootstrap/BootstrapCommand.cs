namespace ZeroLagHub.Api.Storage.Bootstrap;

/// <summary>
/// <c>dotnet ZeroLagHub.Api.dll bootstrap</c>: runs <see cref="DatabaseBootstrap"/> with the superuser's
/// connection string in ZLH_POSTGRES_ADMIN for the API's in ZLH_POSTGRES, then exits. A command of its
/// own, not a start-up step, so the superuser's password never sits in the long-running API's environment.
/// </summary>
public static class BootstrapCommand
{
    public static async Task<int> RunAsync(TextWriter output, TextWriter error)
    {
        var admin = Environment.GetEnvironmentVariable("ZLH_POSTGRES_ADMIN");
        var api = Environment.GetEnvironmentVariable("ZLH_POSTGRES");
        if (string.IsNullOrWhiteSpace(admin) || string.IsNullOrWhiteSpace(api))
        {
            await error.WriteLineAsync("bootstrap: set ZLH_POSTGRES_ADMIN (a superuser's Npgsql connection string) and ZLH_POSTGRES " +
                "(the API's: Username, Password and Database to set up)");
            return 2;
        }
        try
        {
            await DatabaseBootstrap.RunAsync(admin, api);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or Npgsql.NpgsqlException)
        {
            // The message names the role or the failing statement; connection strings (passwords) are never printed.
            await error.WriteLineAsync($"bootstrap: {e.Message}");
            return 1;
        }
        var role = new Npgsql.NpgsqlConnectionStringBuilder(api);
        await output.WriteLineAsync($"bootstrap: role {role.Username} owns schemas {string.Join(", ", ApiSchemas.All)} of database {role.Database}");
        return 0;
    }
}
