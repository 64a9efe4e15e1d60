using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ZeroLagHub.Cli.Tests.Session;

/// <summary><c>zlh login / whoami / logout</c> and the stored session, against the real API.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SessionTests(CliApiFixture api) : IClassFixture<CliApiFixture>
{
    [Fact]
    public async Task LoginKeepsTheSessionInAnOwnerOnlyFileThatLaterCommandsUse()
    {
        var (zlh, username) = await api.LoggedInAsync();
        using var _ = zlh;

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(zlh.CredentialsPath));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(zlh.CredentialsPath)!));
        Assert.DoesNotContain(CliApiFixture.Password, await File.ReadAllTextAsync(zlh.CredentialsPath));
        var me = await zlh.RunAsync("whoami", "--json");
        Assert.True(me.ExitCode == 0, me.ToString());
        Assert.Equal(username, me.Json.GetProperty("username").GetString());
    }

    [Fact]
    public async Task AWrongPasswordExits3WithTheApisMessageAndStoresNothing()
    {
        var username = await api.RegisterAsync();
        using var zlh = new Zlh(api.Address);

        var login = await zlh.RunWithInputAsync("not the password", "login", "--user", username, "--password-stdin");

        Assert.True(login.ExitCode == 3, login.ToString());
        Assert.Contains("Wrong username or password", login.Err);
        Assert.False(File.Exists(zlh.CredentialsPath));
        Assert.Equal(3, (await zlh.RunAsync("ls")).ExitCode);
    }

    [Fact]
    public async Task WithoutATerminalThePasswordMustComeThroughStdin()
    {
        using var zlh = new Zlh(api.Address);
        var login = await zlh.RunAsync("login", "--user", "someone");
        Assert.True(login.ExitCode == 2, login.ToString());
        Assert.Contains("--password-stdin", login.Err);
    }

    [Fact]
    public async Task ATokenTheApiCallsExpiredIsRefreshedTransparentlyAndTheRotatedPairStored()
    {
        var (zlh, username) = await api.LoggedInAsync();
        using var _ = zlh;
        var before = StoredSession(zlh);

        // Past the access token's 15 minutes by the API's clock; the CLI's clock still thinks it is valid.
        api.Clock.Advance(TimeSpan.FromMinutes(16));
        var me = await zlh.RunAsync("whoami", "--json");

        Assert.True(me.ExitCode == 0, me.ToString());
        Assert.Equal(username, me.Json.GetProperty("username").GetString());
        var after = StoredSession(zlh);
        Assert.NotEqual(before["refreshToken"]!.GetValue<string>(), after["refreshToken"]!.GetValue<string>());
        Assert.NotEqual(before["accessToken"]!.GetValue<string>(), after["accessToken"]!.GetValue<string>());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(zlh.CredentialsPath));
    }

    [Fact]
    public async Task ATokenPastItsExpiryByOurClockIsRefreshedBeforeTheCall()
    {
        var (zlh, _) = await api.LoggedInAsync();
        using var __ = zlh;
        var stored = JsonNode.Parse(await File.ReadAllTextAsync(zlh.CredentialsPath))!.AsObject();
        var session = stored.Single().Value!;
        var refreshToken = session["refreshToken"]!.GetValue<string>();
        // Still accepted by the API: only a refresh ahead of the call changes the stored pair.
        session["expiresAt"] = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O");
        await File.WriteAllTextAsync(zlh.CredentialsPath, stored.ToJsonString());

        var me = await zlh.RunAsync("whoami");

        Assert.True(me.ExitCode == 0, me.ToString());
        Assert.NotEqual(refreshToken, StoredSession(zlh)["refreshToken"]!.GetValue<string>());
    }

    [Fact]
    public async Task ConcurrentCommandsWithAnExpiredTokenAllSucceedOnOneRefreshChain()
    {
        var (zlh, _) = await api.LoggedInAsync();
        using var __ = zlh;
        var stored = JsonNode.Parse(await File.ReadAllTextAsync(zlh.CredentialsPath))!.AsObject();
        stored.Single().Value!["expiresAt"] = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O");
        await File.WriteAllTextAsync(zlh.CredentialsPath, stored.ToJsonString());

        // Refresh tokens are single-use: without the lock, all but one would be refused (and the session revoked as a replay).
        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => zlh.RunAsync("whoami")));

        Assert.All(runs, run => Assert.True(run.ExitCode == 0, run.ToString()));
        Assert.Equal(0, (await zlh.RunAsync("whoami")).ExitCode);
    }

    [Fact]
    public async Task LogoutRevokesTheSessionOnTheApiAndForgetsIt()
    {
        var (zlh, _) = await api.LoggedInAsync();
        using var __ = zlh;
        var refreshToken = StoredSession(zlh)["refreshToken"]!.GetValue<string>();

        var logout = await zlh.RunAsync("logout");

        Assert.True(logout.ExitCode == 0, logout.ToString());
        Assert.Empty(JsonNode.Parse(await File.ReadAllTextAsync(zlh.CredentialsPath))!.AsObject());
        var whoami = await zlh.RunAsync("whoami");
        Assert.Equal(3, whoami.ExitCode);
        Assert.Contains("zlh login", whoami.Err);
        using var http = new HttpClient { BaseAddress = api.Address };
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.PostAsJsonAsync("api/auth/refresh", new { refreshToken })).StatusCode);
    }

    private static JsonNode StoredSession(Zlh zlh) =>
        JsonNode.Parse(File.ReadAllText(zlh.CredentialsPath))!.AsObject().Single().Value!;
}
