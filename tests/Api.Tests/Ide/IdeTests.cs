using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using ZeroLagHub.Api.Auth.Tokens;
using ZeroLagHub.Api.Hosts.Local;
using ZeroLagHub.Api.Ide;
using ZeroLagHub.Api.Tests.Audit;
using ZeroLagHub.Api.Tests.Auth;
using ZeroLagHub.Api.Tests.Containers;

namespace ZeroLagHub.Api.Tests.Ide;

/// <summary>
/// The browser IDE through the API: real agents on the local host forwarding to the demo code-server
/// (a Python file server whose directory listing proves the request reached it).
/// </summary>
public sealed class IdeTests(DevContainersFixture api) : IClassFixture<DevContainersFixture>
{
    private const string StandInPage = "Directory listing for /";

    [Fact]
    public async Task ATokenInTheUrlBecomesASessionCookieAndARedirectWithoutTheToken()
    {
        var (a, _) = await api.ContainersAsync();
        var token = await api.IdeTokenAsync(a);
        using var browser = api.CreateBareClient();

        var response = await browser.GetAsync(IdeSteps.IdePath(a) + "?folder=%2Fhome&token=" + Uri.EscapeDataString(token));

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal($"/api/dev/{a}/ide/?folder=%2Fhome", response.Headers.Location!.OriginalString);
        var setCookie = IdeSteps.SessionSetCookie(response)!;
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains($"path=/api/dev/{a}/ide", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", setCookie, StringComparison.OrdinalIgnoreCase); // plain HTTP here

        var page = await browser.GetWithCookieAsync(response.Headers.Location.OriginalString, setCookie.Split(';')[0]);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains(StandInPage, await page.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AnOpenedIdeIsInTheCommandLogWithWhoWhichContainerWhenAndFromWhere()
    {
        var (_, b) = await api.ContainersAsync();
        var before = DateTimeOffset.UtcNow.AddMinutes(-1);
        using var browser = api.CreateBareClient();
        var response = await browser.GetAsync(IdeSteps.IdePath(b) + "?token=" + Uri.EscapeDataString(await api.IdeTokenAsync(b)));
        Assert.Equal(HttpStatusCode.Found, response.StatusCode);

        var opened = (await CommandLog.ReadAsync(api, $"container={b}")).Where(r => r.GetProperty("command").GetString() == "OpenIde").ToList();

        Assert.NotEmpty(opened);
        var latest = opened[0];
        Assert.Equal(api.Owner, latest.GetProperty("userId").GetGuid());
        Assert.Equal("ide session", latest.GetProperty("target").GetString());
        Assert.Equal("accepted", latest.GetProperty("outcome").GetString());
        Assert.Equal("127.0.0.1", latest.GetProperty("clientIp").GetString());
        Assert.True(latest.GetProperty("at").GetDateTimeOffset() > before);
    }

    [Fact]
    public async Task TheBarePrefixRedirectsToItsSlash()
    {
        var (a, _) = await api.ContainersAsync();
        using var browser = api.CreateBareClient();

        var response = await browser.GetAsync($"/api/dev/{a}/ide?token=abc");

        Assert.Equal(HttpStatusCode.TemporaryRedirect, response.StatusCode);
        Assert.Equal("ide/?token=abc", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task ABearerIdeTokenOpensTheIdeOnceAndIsRefusedWhenReused()
    {
        var (a, _) = await api.ContainersAsync();
        var token = await api.IdeTokenAsync(a);
        using var client = api.CreateBareClient();

        var first = await client.GetWithBearerAsync(IdeSteps.IdePath(a), token);
        var again = await client.GetWithBearerAsync(IdeSteps.IdePath(a), token);
        var againInUrl = await client.GetAsync(IdeSteps.IdePath(a) + "?token=" + Uri.EscapeDataString(token));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Contains(StandInPage, await first.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, again.StatusCode);
        Assert.Equal("application/problem+json", again.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Unauthorized, againInUrl.StatusCode);
        Assert.Null(IdeSteps.SessionSetCookie(againInUrl));
    }

    [Fact]
    public async Task AnExpiredTokenIsRefused()
    {
        var (a, _) = await api.ContainersAsync();
        var token = await api.IdeTokenAsync(a);
        api.Clock.Advance(IdeApi.TokenLifetime + TokenService.ClockSkew + TimeSpan.FromSeconds(1));
        using var browser = api.CreateBareClient();

        var response = await browser.GetAsync(IdeSteps.IdePath(a) + "?token=" + Uri.EscapeDataString(token));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task ATokenOrSessionForOneContainerIsForbiddenOnAnotherWhetherOrNotItExists()
    {
        var (a, b) = await api.ContainersAsync();
        using var browser = api.CreateBareClient();
        var cookie = await browser.OpenWithTokenAsync(a, await api.IdeTokenAsync(a));
        var token = await api.IdeTokenAsync(a);

        Assert.Equal(HttpStatusCode.Forbidden, (await browser.GetWithBearerAsync(IdeSteps.IdePath(b), token)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.GetWithBearerAsync(IdeSteps.IdePath(Guid.NewGuid()), token)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.GetWithCookieAsync(IdeSteps.IdePath(b), cookie)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.GetWithCookieAsync(IdeSteps.IdePath(Guid.NewGuid()), cookie)).StatusCode);
        // Shown to the wrong container, the token was not spent.
        Assert.Equal(HttpStatusCode.OK, (await browser.GetWithBearerAsync(IdeSteps.IdePath(a), token)).StatusCode);
    }

    [Fact]
    public async Task AnAccessTokenIsNotAnIdeTokenAndAnIdeTokenIsNotAnAccessToken()
    {
        var (a, _) = await api.ContainersAsync();
        var ideToken = await api.IdeTokenAsync(a);
        using var owner = api.CreateBareClientAs();
        var accessToken = owner.DefaultRequestHeaders.Authorization!.Parameter!;
        using var client = api.CreateBareClient();

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetWithBearerAsync(IdeSteps.IdePath(a), accessToken)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync(IdeSteps.IdePath(a) + "?token=" + accessToken)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetWithBearerAsync("/api/servers", ideToken)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetWithBearerAsync($"/api/servers/{a}", ideToken)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync(IdeSteps.IdePath(a))).StatusCode);
    }

    [Fact]
    public async Task AnotherUsersContainerIsNotFoundAndAGameContainerHasNoIde()
    {
        var (a, _) = await api.ContainersAsync();
        using var stranger = api.CreateBareClientAs(Guid.NewGuid());
        using var owner = api.CreateClientAs(api.Owner);
        var (game, _) = await owner.CreateAsync(ControlPlaneSteps.GameSpec());

        var strangers = await stranger.PostAsync($"/api/dev/{a}/ide-token", null);
        var missing = await stranger.PostAsync($"/api/dev/{Guid.NewGuid()}/ide-token", null);
        var gameToken = await owner.PostAsync($"/api/dev/{game}/ide-token", null);

        Assert.Equal(HttpStatusCode.NotFound, strangers.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", strangers.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Conflict, gameToken.StatusCode);
    }

    [Fact]
    public async Task AnAdminOpensAnyIdeAndLogoutEndsTheAdminsIdeSessions()
    {
        var (a, _) = await api.ContainersAsync();
        using var anonymous = api.CreateBareClient();
        var login = await anonymous.LoginAsync("admin", ApiFixture.AdminPassword);
        using var admin = api.CreateBareClient();
        admin.DefaultRequestHeaders.Authorization = new("Bearer", login.AccessToken);
        var issued = await admin.PostAsync($"/api/dev/{a}/ide-token", null);
        Assert.Equal(HttpStatusCode.OK, issued.StatusCode);
        var token = (await issued.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("token").GetString()!;
        var cookie = await anonymous.OpenWithTokenAsync(a, token);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetWithCookieAsync(IdeSteps.IdePath(a), cookie)).StatusCode);

        var logout = await admin.PostAsJsonAsync("/api/auth/logout", new { refreshToken = login.RefreshToken });

        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        var after = await anonymous.GetWithCookieAsync(IdeSteps.IdePath(a), cookie);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.Contains("01 Jan 1970", IdeSteps.SessionSetCookie(after) ?? "", StringComparison.Ordinal); // the stale cookie is cleared
    }

    [Fact]
    public async Task ASessionEndsAfterTheIdleTimeoutButNotWhileUsed()
    {
        var (a, _) = await api.ContainersAsync();
        using var browser = api.CreateBareClient();
        var cookie = await browser.OpenWithTokenAsync(a, await api.IdeTokenAsync(a));

        api.Clock.Advance(TimeSpan.FromMinutes(15));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetWithCookieAsync(IdeSteps.IdePath(a), cookie)).StatusCode);
        api.Clock.Advance(TimeSpan.FromMinutes(15)); // 30 min since the start, 15 since the last use
        Assert.Equal(HttpStatusCode.OK, (await browser.GetWithCookieAsync(IdeSteps.IdePath(a), cookie)).StatusCode);
        api.Clock.Advance(TimeSpan.FromMinutes(21));

        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetWithCookieAsync(IdeSteps.IdePath(a), cookie)).StatusCode);
        // Housekeeping forgets the idle session and the spent token's id (it expired long ago).
        var (tokens, sessions) = await api.Services.GetRequiredService<IdeHousekeeping>().RunOnceAsync(default);
        Assert.True(sessions >= 1);
        Assert.True(tokens >= 1);
    }

    [Fact]
    public async Task DeletingTheContainerEndsItsIdeSession()
    {
        var c = await api.CreateReadyDevContainerAsync();
        using var browser = api.CreateBareClient();
        var cookie = await browser.OpenWithTokenAsync(c, await api.IdeTokenAsync(c));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetWithCookieAsync(IdeSteps.IdePath(c), cookie)).StatusCode);

        using var owner = api.CreateBareClientAs();
        Assert.Equal(HttpStatusCode.Accepted, (await owner.DeleteAsync($"/api/servers/{c}")).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetWithCookieAsync(IdeSteps.IdePath(c), cookie)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await owner.PostAsync($"/api/dev/{c}/ide-token", null)).StatusCode);
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task TheContainersCodeServerHasNoTcpPortOnlyASocketItsUserAloneMayOpen()
    {
        var (a, _) = await api.ContainersAsync();
        var store = api.Services.GetRequiredService<LocalContainerStore>();
        // The demo code-server: <rootfs>/opt/zlh/services/code-server/bin/code-server execs python3 on lib/standin.py.
        var install = Path.Combine(store.RootfsOf(a), "opt", "zlh", "services", "code-server") + "/";
        var (pid, args) = Directory.EnumerateDirectories("/proc")
            .Select(d => (Pid: int.TryParse(Path.GetFileName(d), out var p) ? p : 0, Args: ReadArgs(d)))
            .Single(p => p.Pid > 0 && p.Args.Any(arg => arg.StartsWith(install, StringComparison.Ordinal)));

        Assert.DoesNotContain("--bind-addr", args);
        Assert.Equal("600", args[Array.IndexOf(args, "--socket-mode") + 1]);
        var inside = args[Array.IndexOf(args, "--socket") + 1];
        var sandboxed = api.Services.GetRequiredService<LocalSandbox>().Bubblewrap is not null;
        Assert.Equal(sandboxed ? "/run/zlh-agent/code-server/code-server.sock" : Path.Combine(store.RunDirOf(a), "code-server", "code-server.sock"), inside);
        Assert.Empty(TcpListenersOf(pid));

        // On this machine, the socket is beneath the container's run directory (bound at /run/zlh-agent under bubblewrap).
        var socket = Path.Combine(store.RunDirOf(a), "code-server", "code-server.sock");
        Assert.Equal(((UnixFileMode)0b110_000_000, (UnixFileMode)0b111_000_000),
            (File.GetUnixFileMode(socket), File.GetUnixFileMode(Path.GetDirectoryName(socket)!)));
        if (api.Services.GetRequiredService<LocalSandbox>().PerContainerUsers)
        {
            // The container's own user, never root (which the agent is, under bubblewrap).
            var owner = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("Uid:", StringComparison.Ordinal)).Split('\t')[1];
            Assert.NotEqual("0", owner);
        }
    }

    private static string[] ReadArgs(string procDir)
    {
        try { return File.ReadAllText(Path.Combine(procDir, "cmdline")).Split('\0'); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return []; }
    }

    /// <summary>The TCP sockets <paramref name="pid"/> listens on: its socket fds' inodes among the LISTEN rows of /proc/net/tcp and tcp6.</summary>
    private static List<string> TcpListenersOf(int pid)
    {
        var inodes = Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd")
            .Select(fd => new FileInfo(fd).LinkTarget)
            .Where(t => t is not null && t.StartsWith("socket:[", StringComparison.Ordinal))
            .Select(t => t!["socket:[".Length..^1])
            .ToHashSet();
        Assert.NotEmpty(inodes);   // its Unix socket at least: the fds were readable
        return [.. new[] { "/proc/net/tcp", "/proc/net/tcp6" }.Where(File.Exists)
            .SelectMany(table => File.ReadLines(table).Skip(1))
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f[3] == "0A" && inodes.Contains(f[9]))   // 0A = LISTEN; field 9 is the inode
            .Select(f => f[1])];
    }
}
