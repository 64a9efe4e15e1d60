using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ZeroLagHub.Api.Hosts;
using ZeroLagHub.Api.Hosts.Local;
using ZeroLagHub.Api.Tests.Hosts;

namespace ZeroLagHub.Portal.Tests.Servers;

/// <summary>The servers, create and console pages with real containers: stand-in runtimes behind real agents.</summary>
[Collection(PortalCollection.Name)]
public sealed class ServersTests(PortalFixture portal) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => portal.CloseContextsAsync();

    private static readonly LocatorAssertionsToHaveAttributeOptions Long = new() { Timeout = 180_000 };

    [Fact]
    public async Task ADevContainerCreatedWithTheFormReachesReadyStageByStageThenOpensItsIdeOnItsOwnOriginAndRunsAShell()
    {
        var user = await portal.RegisterAsync();
        var page = await portal.SignedInPageAsync(user);
        await page.GotoAsync("/create");
        await Assertions.Expect(page.Locator("#runtime option[value=node]")).ToHaveCountAsync(1);
        await page.GetByLabel("Name").FillAsync("portal-dev");
        await page.GetByLabel("Runtime").SelectOptionAsync("node");
        await page.GetByLabel("Version").SelectOptionAsync("24");
        // The tests' node 24 is a stand-in (Artifacts:StandIns): the form says so.
        await Assertions.Expect(page.Locator("#version option[value='24']")).ToHaveTextAsync("24 (stand-in)");
        await Assertions.Expect(page.Locator("input[name=addon][value^='code-server@']")).ToBeCheckedAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();

        await Assertions.Expect(page.Locator("#deployment-status")).ToHaveAttributeAsync("data-status", "succeeded", Long);
        await Assertions.Expect(page.Locator("#stages li[data-status=succeeded]").First).ToBeVisibleAsync();
        Assert.Equal(0, await page.Locator("#stages li[data-status=failed]").CountAsync());

        await page.GetByRole(AriaRole.Link, new() { Name = "See it on the servers page" }).ClickAsync();
        var card = page.Locator("article.card").Filter(new() { HasText = "portal-dev" });
        await Assertions.Expect(card).ToHaveAttributeAsync("data-state", "running", Long);
        var id = Guid.Parse((await card.GetAttributeAsync("data-id"))!);

        // Open IDE: a new tab on {id}.ide.localhost, the single-use token traded for the IDE's own cookie.
        var ide = await page.Context.RunAndWaitForPageAsync(() => card.GetByRole(AriaRole.Button, new() { Name = "Open IDE" }).ClickAsync());
        await ide.WaitForURLAsync(new Regex($"^http://{id}\\.ide\\.localhost:{portal.Port}/(?!.*token=)"));
        await ide.WaitForLoadStateAsync(LoadState.Load);
        Assert.DoesNotContain(await ide.Context.CookiesAsync($"http://{id}.ide.localhost:{portal.Port}/"), c => c.Name == "zlh_portal");

        // Script on the IDE's origin can neither read the portal as the user nor act through its API.
        var reads = await ide.EvaluateAsync<string>($$"""
            async () => {
              const out = [];
              for (const path of ['/api/servers', '/servers']) {
                try { const r = await fetch('{{portal.BaseUrl}}' + path, { credentials: 'include' }); out.push(path + ':' + r.status); }
                catch { out.push(path + ':blocked'); }
              }
              await fetch('{{portal.BaseUrl}}/api/servers/{{id}}', { method: 'DELETE', credentials: 'include', mode: 'no-cors' }).catch(() => {});
              return out.join(' ');
            }
            """);
        Assert.Equal("/api/servers:blocked /servers:blocked", reads);
        await ide.CloseAsync();
        await Assertions.Expect(card).ToHaveAttributeAsync("data-state", "running");

        // The shell console: typed in the page, run in the container.
        await card.GetByRole(AriaRole.Link, new() { Name = "Console" }).ClickAsync();
        await Assertions.Expect(page.Locator("#console-state")).ToHaveTextAsync("Connected");
        await page.Locator("#terminal").ClickAsync();
        await page.Keyboard.TypeAsync("echo portal-$((6*7))");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Terminal()).ToContainTextAsync("portal-42");

        // Resize: the page narrows, the terminal refits, and the shell's terminal narrows with it.
        const string Columns = "echo cols-$(stty size | cut -d' ' -f2)";
        await page.Keyboard.TypeAsync(Columns);
        await page.Keyboard.PressAsync("Enter");
        var wide = int.Parse(await (await page.WaitForFunctionAsync(
            "() => [...document.querySelector('.xterm-rows').textContent.matchAll(/cols-(\\d+)/g)].pop()?.[1]")).JsonValueAsync<string>());
        await page.SetViewportSizeAsync(390, 844);
        await page.Locator("#terminal").ClickAsync();
        await page.Keyboard.PressAsync("Control+L");
        await page.Keyboard.TypeAsync(Columns);
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForFunctionAsync(
            "wide => [...document.querySelector('.xterm-rows').textContent.matchAll(/cols-(\\d+)/g)].some(m => +m[1] < wide)", wide);
    }

    [Fact]
    public async Task AGameServerCrashedFromItsConsoleShowsCrashedThenRunningOnItsCardWithoutAReload()
    {
        var user = await portal.RegisterAsync();
        using var api = await portal.ApiClientAsync(user);
        var id = await api.CreateReadyGameServerAsync();

        var page = await portal.SignedInPageAsync(user);
        await page.GotoAsync("/servers");
        var card = page.Card(id);
        // The deployment starts the server: running once its ready line is seen.
        await Assertions.Expect(card).ToHaveAttributeAsync("data-state", "running", Long);
        // Its runtime is one of the tests' stand-ins, and the card says so.
        await Assertions.Expect(card).ToContainTextAsync("(stand-in)");

        // The server console in a second tab: read-only until input is enabled on purpose.
        var console = await page.Context.NewPageAsync();
        await console.GotoAsync($"/console/{id}?kind=server");
        await Assertions.Expect(console.Locator("#console-state")).ToHaveTextAsync("Connected (read-only)");
        await Assertions.Expect(console.Terminal()).ToContainTextAsync("Done (");
        await console.GetByLabel("Enable input").CheckAsync();
        await console.Locator("#terminal").ClickAsync();
        await console.Keyboard.TypeAsync("crash");
        await console.Keyboard.PressAsync("Enter");
        await Assertions.Expect(console.Terminal()).ToContainTextAsync("demo crash");

        // The first tab, never reloaded, follows the stream: crashed (or already restarting), then running again.
        await Assertions.Expect(card).ToHaveAttributeAsync("data-state", new Regex("^(crashed|restarting)$"), Long);
        await card.GetByText("Details").ClickAsync();
        await Assertions.Expect(card).ToContainTextAsync("nonzero_exit");
        await Assertions.Expect(card).ToHaveAttributeAsync("data-state", "running", Long);
    }

    [Fact]
    public async Task ADestructiveActionAsksFirstAndAnApiRefusalShowsItsSentence()
    {
        var user = await portal.RegisterAsync();
        using var api = await portal.ApiClientAsync(user);
        var id = await api.CreateReadyGameServerAsync();
        var page = await portal.SignedInPageAsync(user, width: 390, height: 844);
        await page.GotoAsync("/servers");
        var card = page.Card(id);
        await Assertions.Expect(card).ToHaveAttributeAsync("data-state", "running", Long);

        // Keyboard only: focus the Delete button, open the dialog, cancel it with Escape.
        await card.GetByRole(AriaRole.Button, new() { Name = "Delete" }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("dialog#confirm")).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(page.Locator("dialog#confirm")).ToBeHiddenAsync();
        await Assertions.Expect(card).ToHaveAttributeAsync("data-state", "running");

        // A refusal reads as the problem's sentence: another create with the same name is a 409 naming it.
        await page.GotoAsync("/create");
        await page.GetByLabel("Game server").CheckAsync();
        await page.GetByLabel("Name").FillAsync("my-world");
        await page.GetByLabel("Command").FillAsync("bash");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
        var problem = page.Locator("#problem");
        await Assertions.Expect(problem).ToBeVisibleAsync();
        await Assertions.Expect(problem).ToContainTextAsync("my-world");
        await Assertions.Expect(problem).Not.ToContainTextAsync("409");
    }

    [Fact]
    public async Task ACardCatchesUpOnAChangeMadeWhileTheBrowserWasOfflineWithoutAReload()
    {
        var user = await portal.RegisterAsync();
        using var api = await portal.ApiClientAsync(user);
        var id = await api.CreateReadyGameServerAsync();
        var page = await portal.SignedInPageAsync(user);
        await page.GotoAsync("/servers");
        var card = page.Card(id);
        await Assertions.Expect(card).ToHaveAttributeAsync("data-state", "running", Long);

        // The stream drops; the server is stopped meanwhile (seen through the API, not the page).
        await page.Context.SetOfflineAsync(true);
        await Assertions.Expect(page.Locator("#live")).ToHaveTextAsync("Reconnecting…");
        var stop = await api.PostAsync($"/api/servers/{id}/server/stop", null);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, stop.StatusCode);
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while ((await api.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/servers/{id}/status")).GetProperty("state").GetString() != "idle")
        {
            Assert.True(DateTime.UtcNow < deadline, "the server did not stop");
            await Task.Delay(250);
        }
        Assert.Equal("running", await card.GetAttributeAsync("data-state"));

        // Back online: the page resumes after the last change it saw and shows the one it missed.
        await page.Context.SetOfflineAsync(false);
        await Assertions.Expect(card).ToHaveAttributeAsync("data-state", "idle", Long);
        await Assertions.Expect(page.Locator("#live")).ToHaveTextAsync("Live");
        await Assertions.Expect(card.GetByRole(AriaRole.Button, new() { Name = "Start server" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task TheConsoleReconnectsByItselfWhenTheAgentRestarts()
    {
        var user = await portal.RegisterAsync();
        using var api = await portal.ApiClientAsync(user);
        var id = await api.CreateReadyDevContainerAsync("restart-box");
        var page = await portal.SignedInPageAsync(user);
        await page.GotoAsync($"/console/{id}?kind=shell");
        await Assertions.Expect(page.Locator("#console-state")).ToHaveTextAsync("Connected");

        // The agent dies under the console: the API closes the socket with 1012, the page keeps trying.
        var store = portal.Services.GetRequiredService<LocalContainerStore>();
        System.Diagnostics.Process.GetProcessById(LocalContainerProbe.Agent(store.Find(id))!.Pid).Kill();
        await Assertions.Expect(page.Locator("#console-state")).ToHaveTextAsync("The agent restarted; reconnecting…");
        await portal.Host.StartAsync(id, new StageLog(), default);

        await Assertions.Expect(page.Locator("#console-state")).ToHaveTextAsync("Connected", new() { Timeout = 60_000 });
        await page.Locator("#terminal").ClickAsync();
        await page.Keyboard.TypeAsync("echo back-$((40+2))");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Terminal()).ToContainTextAsync("back-42");
    }
}
