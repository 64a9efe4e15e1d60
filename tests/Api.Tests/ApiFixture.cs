using Alba;
using Microsoft.AspNetCore.Hosting;

namespace ZeroLagHub.Api.Tests;

/// <summary>
/// The real API host (Program) served in memory by Alba: requests are <see cref="Scenario"/>s, with no socket. Tests
/// that need one (WebSockets, agents calling back, the CLI as a process) use <see cref="KestrelApiFixture"/>.
/// </summary>
public class ApiFixture : ApiHostFixture
{
    private IAlbaHost? _host;

    public ApiFixture() { }

    /// <summary>Another API over <paramref name="first"/>'s database and data directory: a second node, or the first one restarted.</summary>
    protected ApiFixture(ApiFixture first) : base(first) { }

    public IAlbaHost Host => _host ?? throw new InvalidOperationException("the API host has not started");

    public override IServiceProvider Services => Host.Services;

    /// <summary>An HTTP request run through the host, with its assertions (by default: answered 200).</summary>
    public Task<IScenarioResult> Scenario(Action<Scenario> configure) => Host.Scenario(configure);

    /// <summary>A <see cref="Scenario"/> carrying an access token for <paramref name="userId"/> (<see cref="ApiHostFixture.TokenFor"/>).</summary>
    public Task<IScenarioResult> ScenarioAs(Guid userId, Action<Scenario> configure, params string[] roles) =>
        ScenarioWithToken(TokenFor(userId, roles: roles), configure);

    /// <summary>A <see cref="Scenario"/> carrying <paramref name="accessToken"/> (e.g. <see cref="ApiHostFixture.TokenFor"/>'s, for a named user).</summary>
    public Task<IScenarioResult> ScenarioWithToken(string accessToken, Action<Scenario> configure) =>
        Host.Scenario(x =>
        {
            x.WithBearerToken(accessToken);
            configure(x);
        });

    /// <summary>GET <paramref name="url"/> with <paramref name="accessToken"/>, expecting 200: the JSON answered.</summary>
    public async Task<System.Text.Json.JsonElement> GetJsonAsync(string accessToken, string url) =>
        await (await ScenarioWithToken(accessToken, x => x.Get.Url(url))).ReadAsJsonAsync<System.Text.Json.JsonElement>();

    /// <summary>An in-memory client, for what reads a response as a stream (server-sent events) or drives raw requests.</summary>
    public override HttpClient CreateClient() => Host.Server.CreateClient();

    /// <summary>
    /// Another host on this fixture's database, data directory and settings (plus <paramref name="configure"/>'s): the
    /// API started again. The caller disposes it.
    /// </summary>
    public Task<IAlbaHost> StartAnotherAsync(Action<IWebHostBuilder>? configure = null) =>
        AlbaHost.For<Program>(builder =>
        {
            ConfigureWebHost(builder);
            configure?.Invoke(builder);
        }).StartAsync();

    protected override async Task StartHostAsync() => _host = await AlbaHost.For<Program>(ConfigureWebHost).StartAsync();

    protected override async ValueTask StopHostAsync()
    {
        if (_host is null) return;
        await _host.DisposeAsync();
        _host = null;
    }
}
