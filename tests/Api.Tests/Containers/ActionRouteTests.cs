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
        await api.ScenarioAs(user, x =>
        {
            x.Post.Url($"/api/servers/{Guid.NewGuid()}/{action}");
            x.StatusCodeShouldBe(HttpStatusCode.NotFound);
        });

        Assert.Equal(command, (string?)await api.Database.ScalarAsync($"SELECT command FROM zlh.command_audit WHERE user_id = '{user}'"));
    }
}
