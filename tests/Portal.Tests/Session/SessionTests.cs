using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace ZeroLagHub.Portal.Tests.Session;

/// <summary>Signing in and out in a real browser, the cookie's attributes, and the CSRF check on cookie requests.</summary>
[Collection(PortalCollection.Name)]
public sealed class SessionTests(PortalFixture portal) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => portal.CloseContextsAsync();

    [Fact]
    public async Task AnonymousVisitorIsSentToSignInAndTheApiStillAnswers401ProblemJson()
    {
        using var client = portal.CreatePlainClient();
        var page = await client.GetAsync("/servers");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal("/signin?returnUrl=%2Fservers", page.Headers.Location?.OriginalString);

        var api = await client.GetAsync("/api/servers");
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task SignInSetsAnHttpOnlyStrictCookieAndShowsTheDashboardThenSignOutEndsTheSessionEverywhere()
    {
        var user = await portal.RegisterAsync();
        var page = await portal.SignedInPageAsync(user);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#health")).ToHaveTextAsync("Everything is working.");

        var dashboard = await page.ReloadAsync();
        Assert.Contains(dashboard!.Headers, h => h.Key == "content-security-policy" && h.Value.Contains("script-src 'self'"));

        var cookie = (await page.Context.CookiesAsync()).Single(c => c.Name == "zlh_portal");
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);
        Assert.Equal("/", cookie.Path);
        Assert.Equal("127.0.0.1", cookie.Domain); // host-only: never sent to {id}.ide.localhost

        await page.GetByRole(AriaRole.Link, new() { Name = "Servers" }).ClickAsync();
        await Assertions.Expect(page.Locator("#live")).ToHaveTextAsync("Live");

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.WaitForURLAsync(portal.BaseUrl + "/signin");
        await page.GotoAsync("/servers");
        await page.WaitForURLAsync(portal.BaseUrl + "/signin?returnUrl=%2Fservers");

        // The old cookie, replayed by someone who copied it, is dead on the server, not only gone from the browser.
        using var replay = portal.CreatePlainClient();
        replay.DefaultRequestHeaders.Add("Cookie", $"zlh_portal={cookie.Value}");
        Assert.Equal(HttpStatusCode.Unauthorized, (await replay.GetAsync("/api/servers")).StatusCode);
    }

    [Fact]
    public async Task AWrongPasswordShowsTheSentenceAndSetsNoCookie()
    {
        var user = await portal.RegisterAsync();
        var page = await portal.NewPageAsync();
        await page.GotoAsync("/signin");
        await page.GetByLabel("Username").FillAsync(user);
        await page.GetByLabel("Password").FillAsync("not-the-password-at-all");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "Wrong username or password." })).ToBeVisibleAsync();
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == "zlh_portal");
    }

    [Fact]
    public async Task ACookiePostWithoutTheCsrfTokenIsRefused400ProblemJsonAndChangesNothing()
    {
        var user = await portal.RegisterAsync();
        var page = await portal.SignedInPageAsync(user);

        var refused = await page.EvaluateAsync<JsonElement>("""
            async () => {
              const r = await fetch('/api/servers', { method: 'POST', headers: { 'Content-Type': 'application/json' },
                body: JSON.stringify({ kind: 'dev', name: 'csrf-victim', runtime: 'node', version: '24' }) });
              return { status: r.status, type: r.headers.get('content-type'), body: await r.json() };
            }
            """);
        Assert.Equal(400, refused.GetProperty("status").GetInt32());
        Assert.StartsWith("application/problem+json", refused.GetProperty("type").GetString());
        Assert.Equal("CSRF token missing or invalid", refused.GetProperty("body").GetProperty("title").GetString());

        // A wrong token is no better than none.
        var forged = await page.EvaluateAsync<int>("""
            async () => (await fetch('/api/auth/logout', { method: 'POST', headers: { 'X-CSRF-TOKEN': 'forged' } })).status
            """);
        Assert.Equal(400, forged);

        using var api = await portal.ApiClientAsync(user);
        Assert.Empty(await api.GetFromJsonAsync<JsonElement[]>("/api/servers") ?? []);
        // The session survived the forged logout: the page still reads with its cookie.
        Assert.Equal(200, await page.EvaluateAsync<int>("async () => (await fetch('/api/servers')).status"));
    }

    [Fact]
    public async Task TheApiAcceptsTheCookieWithTheTokenAndAnAuthorizationHeaderIsNeverMixedWithIt()
    {
        var user = await portal.RegisterAsync();
        var page = await portal.SignedInPageAsync(user);

        var me = await page.EvaluateAsync<JsonElement>("async () => (await fetch('/api/auth/me')).json()");
        Assert.Equal(user, me.GetProperty("username").GetString());

        // With an Authorization header the cookie is not consulted: a bad token is a 401 whatever the cookie says.
        Assert.Equal(401, await page.EvaluateAsync<int>(
            "async () => (await fetch('/api/auth/me', { headers: { Authorization: 'Bearer nonsense' } })).status"));
    }

    [Fact]
    public async Task AStrangerSeesNoneOfAnothersContainers()
    {
        var owner = await portal.RegisterAsync("owner");
        using var api = await portal.ApiClientAsync(owner);
        var created = await api.PostAsJsonAsync("/api/servers", new { kind = "dev", name = "owners-box", runtime = "node", version = "24" });
        Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("containerId").GetGuid();

        var stranger = await portal.SignedInPageAsync(await portal.RegisterAsync("stranger"));
        await stranger.GotoAsync("/servers");
        await Assertions.Expect(stranger.Locator("#live")).ToHaveTextAsync("Live");
        await Assertions.Expect(stranger.Locator("#dev")).ToHaveTextAsync("None yet.");
        Assert.Equal(0, await stranger.Locator($"[data-id='{id}']").CountAsync());
        Assert.Equal(404, await stranger.EvaluateAsync<int>($"async () => (await fetch('/api/servers/{id}')).status"));
    }

    [Fact]
    public async Task APasswordChangeThroughTheApiEndsThePortalSessionToo()
    {
        var user = await portal.RegisterAsync();
        var page = await portal.SignedInPageAsync(user);
        Assert.Equal(200, await page.EvaluateAsync<int>("async () => (await fetch('/api/servers')).status"));

        using var api = await portal.ApiClientAsync(user);
        var changed = await api.PostAsJsonAsync("/api/auth/password", new { currentPassword = PortalFixture.Password, newPassword = "another-password-0123" });
        Assert.Equal(HttpStatusCode.NoContent, changed.StatusCode);

        Assert.Equal(401, await page.EvaluateAsync<int>("async () => (await fetch('/api/servers')).status"));
        await page.GotoAsync("/servers");
        await page.WaitForURLAsync(portal.BaseUrl + "/signin?returnUrl=%2Fservers");
    }

    [Fact]
    public async Task SignInIsThrottledLikeTheApisLogin()
    {
        var user = await portal.RegisterAsync();
        var page = await portal.NewPageAsync();
        await page.GotoAsync("/signin");
        // Auth:Login:MaxFailuresPerAccountFromIp (5) failures, then this address is refused for this account.
        for (var i = 0; i < 6; i++)
        {
            await page.GetByLabel("Username").FillAsync(user);
            await page.GetByLabel("Password").FillAsync($"wrong-password-{i}");
            // The answer to this very POST, not the previous page's message.
            await page.RunAndWaitForResponseAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync(),
                r => r.Request.Method == "POST" && r.Url.Contains("/signin"));
        }
        await Assertions.Expect(page.Locator("#signin-problem")).ToContainTextAsync("Too many failed sign-ins from this address; try again in");

        // Even the right password is refused now, from this address, as the API's login refuses it.
        await page.GetByLabel("Username").FillAsync(user);
        await page.GetByLabel("Password").FillAsync(PortalFixture.Password);
        var answer = await page.RunAndWaitForResponseAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync(),
            r => r.Request.Method == "POST" && r.Url.Contains("/signin"));
        Assert.Equal(429, answer.Status);
        await Assertions.Expect(page.Locator("#signin-problem")).ToContainTextAsync("Too many failed sign-ins");
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == "zlh_portal");
    }

    [Fact]
    public async Task AnAdminsDashboardReadsTheProjectionsAndFindsThemUpToDate()
    {
        var page = await portal.SignedInPageAsync("admin", password: ZeroLagHub.Api.Tests.ApiFixture.AdminPassword);
        var projections = await page.EvaluateAsync<JsonElement>("async () => (await fetch('/api/admin/projections')).json()");
        Assert.NotEmpty(projections.EnumerateArray());
        await Assertions.Expect(page.Locator("#health")).Not.ToHaveTextAsync("Checking…");
        await Assertions.Expect(page.Locator("#health")).Not.ToContainTextAsync("running late");
        await Assertions.Expect(page.Locator("#notices")).Not.ToContainTextAsync("Read model");
    }
}
