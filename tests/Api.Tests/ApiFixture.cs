using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ZeroLagHub.Api.Auth;
using ZeroLagHub.Api.Auth.Tokens;
using ZeroLagHub.Api.Tests.Auth;
using ZeroLagHub.Testing;

namespace ZeroLagHub.Api.Tests;

/// <summary>
/// The real API host over a database of its own on the test PostgreSQL server, with its own data
/// directory (signing key file) and a clock tests can move forward.
/// </summary>
public class ApiFixture : WebApplicationFactory<Program>, IAsyncLifetime
{
    /// <summary>The bootstrap <c>admin</c> account's password (Auth:AdminPassword).</summary>
    public const string AdminPassword = "fixture-admin-password-0123";

    private readonly bool _ownsStorage;

    public ApiFixture() : this(new ApiDatabase(), Directory.CreateTempSubdirectory("zlh-api-test-").FullName, ownsStorage: true) { }

    /// <summary>Another API over <paramref name="first"/>'s database and data directory: a second node, or the first one restarted.</summary>
    protected ApiFixture(ApiFixture first) : this(first.Database, first.DataDirectory, ownsStorage: false)
    {
        foreach (var (key, value) in first.Settings) Settings[key] = value;
    }

    private ApiFixture(PostgresDatabase database, string dataDirectory, bool ownsStorage)
    {
        Database = database;
        DataDirectory = dataDirectory;
        _ownsStorage = ownsStorage;
    }

    public PostgresDatabase Database { get; }

    /// <summary>Whether this fixture made the database and data directory (and so removes them), not another's copy.</summary>
    protected bool OwnsStorage => _ownsStorage;
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

    public async Task InitializeAsync()
    {
        if (_ownsStorage) await Database.InitializeAsync();
        // The shared test Redis, unless a fixture chose another (e.g. one that is down).
        Settings.TryAdd("Redis", (await TestServices.GetAsync()).Redis);
        await OnStartingAsync();
        if (RealKestrel)
        {
            // The address from configuration (ConfigureWebHost), not UseKestrel(port): with a port, WebApplicationFactory
            // rewrites the server's addresses after building the host, racing Program's app.Run().
            UseKestrel();
            StartServer();
        }
        else _ = Server; // start the host now, so start-up failures surface in the fixture
    }

    /// <summary>
    /// Serve on real Kestrel (loopback, random port) instead of the in-memory test server: needed when
    /// something outside the process calls the API, as local agents do for artifacts.
    /// </summary>
    protected virtual bool RealKestrel => false;

    /// <summary>The loopback port for <see cref="RealKestrel"/>; 0 picks a free one when the server starts.</summary>
    protected virtual int KestrelPort => 0;

    /// <summary>Runs after the database exists and before the host starts: start stand-ins the host's settings name.</summary>
    protected virtual Task OnStartingAsync() => Task.CompletedTask;

    /// <summary>Runs after the host has stopped: stop what <see cref="OnStartingAsync"/> started.</summary>
    protected virtual Task OnStoppedAsync() => Task.CompletedTask;

    /// <summary>
    /// A client whose requests carry an access token for this user, minted directly (no account row needed), in a
    /// session of its own that no login started and nothing ends.
    /// </summary>
    public HttpClient CreateClientAs(Guid userId, string username = "test-user", params string[] roles)
    {
        var token = Services.GetRequiredService<AccessTokenIssuer>().Issue(userId, username, roles.Length > 0 ? roles : [Role.User], Guid.NewGuid());
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);
        return client;
    }

    /// <summary>What the API logged at Error or above (a 500's cause).</summary>
    public ErrorLog Errors { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        if (RealKestrel) builder.UseSetting(WebHostDefaults.ServerUrlsKey, $"http://127.0.0.1:{KestrelPort}");
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

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        await OnStoppedAsync();
        if (!_ownsStorage) return;
        await Database.DisposeAsync();
        if (Environment.GetEnvironmentVariable("ZLH_KEEP_TEST_DATA") is null) Directory.Delete(DataDirectory, recursive: true);
    }
}
