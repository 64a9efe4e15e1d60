using System.Net;

namespace ZeroLagHub.Api.Tests.Containers;

/// <summary>
/// Action routes match their action in any case (route constraints ignore case): the command is the action
/// named, never another one. Read from the audit log, which names every command, decided or refused.
/// </summary>
public sealed class ActionRouteTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Theory]
    [InlineData("STOP", "stop_container")]
    [InlineData("Start", "start_container")]
    [InlineData("server/KILL", "kill_server")]
    [InlineData("code-server/Stop", "stop_code_server")]
    public async Task AnActionInCapitalsIsThatAction(string action, string command)
    {
        var user = Guid.NewGuid();
        using var client = api.CreateClientAs(user);
        var response = await client.PostAsync($"/api/servers/{Guid.NewGuid()}/{action}", null);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(command, (string?)await api.Database.ScalarAsync($"SELECT command FROM zlh.command_audit WHERE user_id = '{user}'"));
    }
}
