using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using ZeroLagHub.Api.Tests.Hosts;

namespace ZeroLagHub.Portal.Tests;

/// <summary>
/// The API with the portal on, on real Kestrel with local containers, stand-in runtimes and its agent poller (the
/// portal shows what the poller ingests), the IDE in host mode on <c>{id}.ide.localhost</c>; and one headless
/// Debian chromium that every test opens its own browser context (cookies, tabs) in.
/// </summary>
public sealed class PortalFixture : LocalHostFixture
{
    public const string Password = "portal-test-password-0123";
    public const string Chromium = "/usr/bin/chromium";

    private IPlaywright? _playwright;
    private readonly List<IBrowserContext> _contexts = [];

    public PortalFixture()
    {
        Settings["Portal:Enabled"] = "true";
        Settings["Ide:HostPattern"] = "{id}.ide.localhost";
        Settings["Poller:Enabled"] = "true";
        Settings["Poller:Period"] = "00:00:01";
    }

    public IBrowser Browser { get; private set; } = null!;

    private string? _baseUrl;

    /// <summary>The portal's origin, e.g. <c>http://127.0.0.1:41234</c> (no trailing slash).</summary>
    public string BaseUrl
    {
        get
        {
            if (_baseUrl is not null) return _baseUrl;
            using var probe = CreateClient();
            return _baseUrl = probe.BaseAddress!.GetLeftPart(UriPartial.Authority);
        }
    }

    public int Port => new Uri(BaseUrl).Port;

    protected override async Task OnStartingAsync()
    {
        await base.OnStartingAsync();
        // Never a download: the system's chromium, by its path.
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            // Root in CI: chromium's sandbox needs an unprivileged user. *.localhost to IPv4, where Kestrel listens.
            Args = ["--no-sandbox", "--host-resolver-rules=MAP *.localhost 127.0.0.1"],
        });
    }

    protected override async Task OnStoppedAsync()
    {
        try
        {
            if (Browser is not null) await Browser.CloseAsync();
            _playwright?.Dispose();
        }
        finally
        {
            // The containers' inits and users go even when the browser would not close.
            await base.OnStoppedAsync();
        }
    }

    /// <summary>A plain HTTP client to the portal's origin: no cookies, no redirects followed.</summary>
    public HttpClient CreatePlainClient() =>
        new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(BaseUrl) };

    /// <summary>Registers a new account (a name of its own per call) and returns its name.</summary>
    public async Task<string> RegisterAsync(string prefix = "user")
    {
        var name = $"{prefix}-{Guid.NewGuid():N}"[..20];
        using var client = CreatePlainClient();
        var response = await client.PostAsJsonAsync("/api/auth/register", new { username = name, password = Password });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return name;
    }

    /// <summary>A client with an access token of <paramref name="username"/> from the API's own login.</summary>
    public async Task<HttpClient> ApiClientAsync(string username)
    {
        var client = CreatePlainClient();
        var response = await client.PostAsJsonAsync("/api/auth/login", new { username, password = Password });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString();
        client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        return client;
    }

    /// <summary>A fresh browser context (its own cookies) at the given width, with a page on the sign-in form.</summary>
    public async Task<IPage> NewPageAsync(int width = 1280, int height = 900)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl, ViewportSize = new ViewportSize { Width = width, Height = height },
        });
        context.SetDefaultTimeout(30_000);
        lock (_contexts) _contexts.Add(context);
        return await context.NewPageAsync();
    }

    /// <summary>Closes the browser contexts a test opened (their status streams and consoles with them).</summary>
    public async Task CloseContextsAsync()
    {
        IBrowserContext[] open;
        lock (_contexts)
        {
            open = [.. _contexts];
            _contexts.Clear();
        }
        foreach (var context in open) await context.CloseAsync();
    }

    /// <summary>Signs in through the form, as a user would, and waits for the dashboard.</summary>
    public async Task<IPage> SignedInPageAsync(string username, int width = 1280, int height = 900, string password = Password)
    {
        var page = await NewPageAsync(width, height);
        await page.GotoAsync("/signin");
        await page.GetByLabel("Username").FillAsync(username);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(BaseUrl + "/");
        return page;
    }
}

[CollectionDefinition(Name)]
public sealed class PortalCollection : ICollectionFixture<PortalFixture>
{
    public const string Name = "portal";
}
