using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ZeroLagHub.Domain.Agent;

namespace ZeroLagHub.Agent.Tests.Server;

/// <summary>
/// A real game-server agent on Kestrel over a sandbox, with a fake clock so backoff and timeouts are
/// compressed. Disposing it is an agent shutdown (the held server keeps running); a new one over the
/// same sandbox and clock is the restarted agent.
/// </summary>
public sealed class GameAgent : WebApplicationFactory<Program>
{
    private readonly Sandbox _sandbox;
    private readonly Dictionary<string, string> _settings;

    public GameAgent(Sandbox sandbox, FakeTimeProvider clock, IDictionary<string, string>? settings = null)
    {
        _sandbox = sandbox;
        Clock = clock;
        _settings = new Dictionary<string, string>
        {
            ["ContainerId"] = sandbox.ContainerId.ToString(),
            ["Vmid"] = "6039",
            ["Kind"] = "Game",
            ["Token"] = AgentHost.Token,
            ["DataDir"] = sandbox.Path("var/lib/zlh-agent"),
            ["ZlhRoot"] = sandbox.Path("opt/zlh"),
            ["DevHome"] = sandbox.Path("home/dev"),
            ["ServerRoot"] = sandbox.Path("srv/server"),
            ["DevUser"] = "zlh-test-no-such-user",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) _settings[key] = value;
        UseKestrel();   // the address from configuration: see AgentHost
        StartServer();
        Client = CreateClient();
        Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AgentHost.Token);
    }

    public FakeTimeProvider Clock { get; }

    public HttpClient Client { get; }

    public string ServerRoot => _sandbox.Path("srv/server");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting(WebHostDefaults.ServerUrlsKey, "http://127.0.0.1:0");
        foreach (var (key, value) in _settings) builder.UseSetting(key, value);
        builder.ConfigureServices(services => services.AddSingleton<TimeProvider>(Clock));
    }

    /// <summary>Provisions a server that runs <c>bash &lt;script&gt;</c> from Scripts/.</summary>
    public async Task ProvisionAsync(string script, int gracefulTimeoutSeconds = 5)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Server", "Scripts", script);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/provision")
        {
            Content = JsonContent.Create(new
            {
                kind = "Game",
                server = new { command = "bash", args = new[] { path }, stopCommand = "stop", readyLine = "Done (", gracefulTimeoutSeconds },
            }),
        };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        var response = await Client.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    public Task<HttpResponseMessage> PowerAsync(string action, string? commandId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/server/{action}");
        request.Headers.Add("Idempotency-Key", commandId ?? Guid.NewGuid().ToString());
        return Client.SendAsync(request);
    }

    public async Task<AgentStatus> StatusAsync() => (await Client.GetFromJsonAsync<AgentStatus>("/status"))!;

    /// <summary>Polls /status (real time) until <paramref name="done"/> holds.</summary>
    public async Task<AgentStatus> WaitForAsync(Func<AgentStatus, bool> done, string what, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var status = await StatusAsync();
            if (done(status)) return status;
            if (DateTime.UtcNow > deadline) Assert.Fail($"timed out waiting for {what}; last status: {JsonSerializer.Serialize(status.Server)}");
            await Task.Delay(50);
        }
    }

    public Task<AgentStatus> WaitForStateAsync(string state) => WaitForAsync(s => s.Server?.State == state, state);

    public async Task<List<JournalEntry>> JournalAsync(string? prefix = "server.")
    {
        var page = (await Client.GetFromJsonAsync<JournalPage>("/journal?after=0&limit=500"))!;
        return [.. page.Entries.Where(e => prefix is null || e.Kind.StartsWith(prefix, StringComparison.Ordinal))];
    }

    /// <summary>Writes a console command the stand-in reads from its working directory (not through the console).</summary>
    public Task CommandAsync(string command) => File.WriteAllTextAsync(Path.Combine(ServerRoot, "command.tmp"), command)
        .ContinueWith(_ => File.Move(Path.Combine(ServerRoot, "command.tmp"), Path.Combine(ServerRoot, "command"), overwrite: true));
}
