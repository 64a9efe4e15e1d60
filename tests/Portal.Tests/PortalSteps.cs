using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using ZeroLagHub.Api.Tests.Containers;

namespace ZeroLagHub.Portal.Tests;

public static class PortalSteps
{
    /// <summary>Creates the demo game server through the API as the client's user and waits for its deployment.</summary>
    public static async Task<Guid> CreateReadyGameServerAsync(this HttpClient api)
    {
        var response = await api.PostAsJsonAsync("/api/servers", ControlPlaneSteps.GameSpec());
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var history = await api.WaitForDeploymentAsync(body.GetProperty("deploymentId").GetGuid(), 240);
        Assert.True(history.GetProperty("status").GetString() == "succeeded", history.ToString());
        return body.GetProperty("containerId").GetGuid();
    }

    /// <summary>Creates a dev container with code-server through the API and waits for its deployment.</summary>
    public static async Task<Guid> CreateReadyDevContainerAsync(this HttpClient api, string name)
    {
        var (id, deployment) = await api.CreateAsync(ControlPlaneSteps.DevSpec(name: name));
        var history = await api.WaitForDeploymentAsync(deployment, 240);
        Assert.True(history.GetProperty("status").GetString() == "succeeded", history.ToString());
        return id;
    }

    public static ILocator Card(this IPage page, Guid id) => page.Locator($"article.card[data-id='{id}']");

    /// <summary>What the terminal shows, as text (xterm's DOM renderer).</summary>
    public static ILocator Terminal(this IPage page) => page.Locator(".xterm-rows");
}
