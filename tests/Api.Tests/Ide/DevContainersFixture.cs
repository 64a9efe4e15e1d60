using System.Net.Http.Json;
using System.Text.Json;
using ZeroLagHub.Api.Tests.Containers;
using ZeroLagHub.Api.Tests.Hosts;

namespace ZeroLagHub.Api.Tests.Ide;

/// <summary>
/// The API on real Kestrel with two ready dev containers (A and B) of one owner, each with the demo
/// code-server running behind its real agent. Created on first use and shared by a test class.
/// </summary>
public class DevContainersFixture : LocalHostFixture
{
    private readonly Lazy<Task<(Guid A, Guid B)>> _containers;

    public DevContainersFixture()
    {
        // Short enough that a test can pass it by moving the clock, long enough for every other test.
        Settings["Ide:SessionIdleTimeout"] = "00:20:00";
        _containers = new(CreateTwoAsync);
    }

    public Guid Owner { get; } = Guid.NewGuid();

    public Task<(Guid A, Guid B)> ContainersAsync() => _containers.Value;

    /// <summary>A client that neither follows redirects nor keeps cookies: the tests look at both.</summary>
    public HttpClient CreateBareClient()
    {
        // On real Kestrel the factory's clients follow redirects and keep cookies whatever the options say: a plain one.
        using var probe = CreateClient();
        return new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = probe.BaseAddress };
    }

    /// <summary>A bare client with an access token for <paramref name="userId"/> (default: the owner).</summary>
    public HttpClient CreateBareClientAs(Guid? userId = null, params string[] roles)
    {
        var client = CreateBareClient();
        using var minting = CreateClientAs(userId ?? Owner, "ide-user", roles);
        client.DefaultRequestHeaders.Authorization = minting.DefaultRequestHeaders.Authorization;
        return client;
    }

    public async Task<Guid> CreateReadyDevContainerAsync(Guid? owner = null)
    {
        using var client = CreateClientAs(owner ?? Owner);
        // A name of its own: the owner's containers may not share one.
        var (container, deployment) = await client.CreateAsync(ControlPlaneSteps.DevSpec(name: $"dev-{Guid.NewGuid():N}"[..12]));
        var history = await client.WaitForDeploymentAsync(deployment);
        Assert.True(history.GetProperty("status").GetString() == "succeeded", history.ToString());
        return container;
    }

    /// <summary>POST /api/dev/{id}/ide-token as the owner; the token.</summary>
    public async Task<string> IdeTokenAsync(Guid container, Guid? userId = null, params string[] roles)
    {
        using var client = CreateBareClientAs(userId, roles);
        var response = await client.PostAsync($"/api/dev/{container}/ide-token", null);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
    }

    private async Task<(Guid, Guid)> CreateTwoAsync()
    {
        var a = CreateReadyDevContainerAsync();
        var b = CreateReadyDevContainerAsync();
        return (await a, await b);
    }
}
