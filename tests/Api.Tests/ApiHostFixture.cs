using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ZeroLagHub.Api.Auth;
using ZeroLagHub.Api.Auth.Tokens;
using ZeroLagHub.Api.Tests.Auth;
using ZeroLagHub.Testing;

namespace ZeroLagHub.Api.Tests;

/// <summary>
/// What every API test host shares: a database of its own on the test PostgreSQL server, its own data directory
/// (signing key file), a clock tests can move forward, and the settings below. <see cref="ApiFixture"/> serves it in
/// memory for Alba scenarios; <see cref="KestrelApiFixture"/> on a real socket for what calls it from outside.
/// </summary>
public abstract class ApiHostFixture : IAsyncLifetime
{
    /// <summary>The bootstrap <c>admin</c> account's password (Auth:AdminPassword).</summary>
    public const string AdminPassword = "fixture-admin-password-0123";

    protected ApiHostFixture() : this(new ApiDatabase(), Directory.CreateTempSubdirectory("zlh-api-test-").FullName, ownsStorage: true) { }

    /// <summary>Another API over <paramref name="first"/>'s database and data directory: a second node, or the first one restarted.</summary>
    protected ApiHostFixture(ApiHostFixture first) : this(first.Database, first.DataDirectory, ownsStorage: false)
    {
        foreach (var (key, value) in first.Settings) Settings[key] = value;
    }

    private ApiHostFixture(PostgresDatabase database, string dataDirectory, bool ownsStorage)
    {
        Database = database;
        DataDirectory = dataDirectory;
        OwnsStorage = ownsStorage;
    }

    public PostgresDatabase Database { get; }

    /// <summary>Whether this fixture made the database and data directory (and so removes them), not another's copy.</summary>
    protected bool OwnsStorage { get; }
    public ShiftedClock Clock { get; } = new();
    public string DataDirectory { get; }

    /// <summary>What the API printed for the operator (e.g. a generated admin password) instead of stdout.</summary>
    public StringWriter OperatorOutput { get; } = new();

    /// <summary>Extra configuration (e.g. <c>Auth:Login:MaxFailuresPerIp</c>); set before the host starts.</summary>
    /// <remarks>The background agent poller is off: tests that poll drive <c>AgentPoller.PollOnceAsync</c> themselves.</remarks>
    /// <remarks>
    /// Registrations per address are not limited here: every test client registers from one address (the test server
    /// has none); the tests of that limit set it.
    /// </remarks>
    public Dictionary<string, string?> Settings { get; } = new()
    {
        ["Auth:AdminPassword"] = AdminPassword, ["Poller:Enabled"] = "false", ["Auth:Registration:MaxPerIp"] = "100000",
        // The small stand-in runtimes and code-server: the real ones take minutes to build (tests/Api.Tests/Artifacts build one).
        ["Artifacts:StandIns"] = "true",
    };

    /// <summary>What the API logged at Error or above (a 500's cause).</summary>
    public ErrorLog Errors { get; } = new();

    /// <summary>The running host's services.</summary>
    public abstract IServiceProvider Services { get; }

    /// <summary>A client of the running host (in memory or over loopback), without a token.</summary>
    public abstract HttpClient CreateClient();

    /// <summary>
    /// An access token for this user, minted directly (no account row needed), in a session of its own that no login
    /// started and nothing ends.
    /// </summary>
    public string TokenFor(Guid userId, string username = "test-user", params string[] roles) =>
        Services.GetRequiredService<AccessTokenIssuer>().Issue(userId, username, roles.Length > 0 ? roles : [Role.User], Guid.NewGuid()).Token;

    /// <summary>A client whose requests carry <see cref="TokenFor"/>'s token for this user.</summary>
    public HttpClient CreateClientAs(Guid userId, string username = "test-user", params string[] roles)
    {
        var token = TokenFor(userId, username, roles);
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public async Task InitializeAsync()
    {
        if (OwnsStorage) await Database.InitializeAsync();
        // The shared test Redis, unless a fixture chose another (e.g. one that is down).
        Settings.TryAdd("Redis", (await TestServices.GetAsync()).Redis);
        await OnStartingAsync();
        await StartHostAsync();
    }

    /// <summary>Starts the host; start-up failures surface here, in the fixture.</summary>
    protected abstract Task StartHostAsync();

    /// <summary>Stops the host; a second call does nothing.</summary>
    protected abstract ValueTask StopHostAsync();

    /// <summary>Runs after the database exists and before the host starts: start stand-ins the host's settings name.</summary>
    protected virtual Task OnStartingAsync() => Task.CompletedTask;

    /// <summary>Runs after the host has stopped: stop what <see cref="OnStartingAsync"/> started.</summary>
    protected virtual Task OnStoppedAsync() => Task.CompletedTask;

    /// <summary>The host's configuration and test services; a subclass adds its own after calling this.</summary>
    protected virtual void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Postgres", Database.ConnectionString);
        builder.UseSetting("Data", DataDirectory);
        foreach (var (key, value) in Settings) builder.UseSetting(key, value);
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<TimeProvider>(Clock);
            services.AddSingleton(new OperatorConsole(OperatorOutput));
            services.AddSingleton<ILoggerProvider>(Errors);
        });
    }

    /// <summary>Stops the host only: the database and data directory stay, for another host over them (a restart).</summary>
    public Task StopAsync() => StopHostAsync().AsTask();

    async Task IAsyncLifetime.DisposeAsync()
    {
        await StopHostAsync();
        await OnStoppedAsync();
        if (!OwnsStorage) return;
        await Database.DisposeAsync();
        if (Environment.GetEnvironmentVariable("ZLH_KEEP_TEST_DATA") is null) Directory.Delete(DataDirectory, recursive: true);
    }
}
