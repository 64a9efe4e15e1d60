using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using ZeroLagHub.Api.Hosts.Local;
using ZeroLagHub.Api.Tests.Hosts;

namespace ZeroLagHub.Cli.Tests;

/// <summary>
/// The real API on Kestrel (loopback, random port) over its own PostgreSQL database, with the local
/// container host and the demo artifacts, for zlh to talk to as a user would.
/// </summary>
public class CliApiFixture : LocalHostFixture
{
    public const string Password = "correct horse battery";

    public Uri Address => Services.GetRequiredService<ApiLoopbackAddress>().Get();

    /// <summary>A new account, registered through the API.</summary>
    public async Task<string> RegisterAsync()
    {
        var username = $"cli-{Guid.NewGuid():N}"[..20];
        using var http = new HttpClient { BaseAddress = Address };
        var response = await http.PostAsJsonAsync("api/auth/register", new { username, password = Password });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return username;
    }

    /// <summary>A zlh logged in as the bootstrap <c>admin</c> (who may also audit).</summary>
    public async Task<Zlh> AdminAsync()
    {
        var zlh = new Zlh(Address);
        var login = await zlh.RunWithInputAsync(AdminPassword, "login", "--user", "admin", "--password-stdin");
        Assert.True(login.ExitCode == 0, login.ToString());
        return zlh;
    }

    /// <summary>SQL on the API's database, as someone with database access runs it.</summary>
    public async Task SqlAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = Services.GetRequiredService<NpgsqlDataSource>().CreateCommand(sql);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>A new account with a zlh logged in to it (<c>zlh login --password-stdin</c>).</summary>
    public async Task<(Zlh Zlh, string Username)> LoggedInAsync()
    {
        var username = await RegisterAsync();
        var zlh = new Zlh(Address);
        var login = await zlh.RunWithInputAsync(Password, "login", "--user", username, "--password-stdin");
        Assert.True(login.ExitCode == 0, login.ToString());
        return (zlh, username);
    }
}
