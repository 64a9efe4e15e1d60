using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace ZeroLagHub.Portal.Tests.Accessibility;

/// <summary>
/// axe-core on every page, at 1280 px and 390 px wide, with containers on the page: no serious or critical violation.
/// With <c>ZLH_PORTAL_SCREENSHOTS=&lt;dir&gt;</c> it also saves each page there (the README's pictures, docs/portal/).
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class AccessibilityTests(PortalFixture portal) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => portal.CloseContextsAsync();

    [Fact]
    public async Task EveryPageHasNoSeriousOrCriticalViolationAtEitherWidth()
    {
        var user = await portal.RegisterAsync("player");
        using var api = await portal.ApiClientAsync(user);
        var game = api.CreateReadyGameServerAsync();
        var dev = api.CreateReadyDevContainerAsync("workbench");
        var (gameId, devId) = (await game, await dev);

        var problems = new List<string>();
        foreach (var (width, height) in new[] { (1280, 900), (390, 844) })
        {
            var anonymous = await portal.NewPageAsync(width, height);
            await anonymous.GotoAsync("/signin");
            await CheckAsync(anonymous, $"signin-{width}", problems);

            var page = await portal.SignedInPageAsync(user, width, height);
            await Assertions.Expect(page.Locator("#counts li[data-state=running]")).ToBeVisibleAsync();
            await CheckAsync(page, $"dashboard-{width}", problems);

            await page.GotoAsync("/servers");
            await Assertions.Expect(page.Card(gameId)).ToHaveAttributeAsync("data-state", "running");
            await Assertions.Expect(page.Card(devId)).ToHaveAttributeAsync("data-state", "running");
            await page.Card(gameId).GetByText("Details").ClickAsync();
            await CheckAsync(page, $"servers-{width}", problems);

            await page.GotoAsync("/create");
            await Assertions.Expect(page.Locator("#runtime option").First).ToBeAttachedAsync();
            await CheckAsync(page, $"create-{width}", problems);

            await page.GotoAsync($"/console/{gameId}?kind=server&name=my-world");
            await Assertions.Expect(page.Terminal()).ToContainTextAsync("Done (");
            await CheckAsync(page, $"console-{width}", problems);
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    private static async Task CheckAsync(IPage page, string name, List<string> problems)
    {
        var result = await page.RunAxe();
        foreach (var violation in result.Violations.Where(v => v.Impact is "serious" or "critical"))
            problems.Add($"{name}: {violation.Impact} {violation.Id}: {violation.Help} at {string.Join(", ", violation.Nodes.Select(n => string.Join(" ", n.Target)))}");
        if (Environment.GetEnvironmentVariable("ZLH_PORTAL_SCREENSHOTS") is { Length: > 0 } dir)
        {
            Directory.CreateDirectory(dir);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(dir, name + ".png"), FullPage = true });
        }
    }
}
