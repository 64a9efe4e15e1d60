using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace ZeroLagHub.Api.Tests.Containers;

/// <summary>What a user does through the API, as test steps.</summary>
public static class ControlPlaneSteps
{
    public static object DevSpec(string runtime = "node", string version = "24", string name = "my-dev-box") =>
        new { kind = "dev", name, runtime, version, addons = new[] { "code-server" } };

    /// <summary>The demo game server: its files are an addon the agent installs under /opt/zlh/services.</summary>
    public static object GameSpec() => new
    {
        kind = "game", name = "my-world", runtime = "java", version = "21", addons = new[] { "minecraft-standin" },
        server = new { command = "bash", args = new[] { "../../opt/zlh/services/minecraft-standin/start.sh" }, readyLine = "Done (" },
    };

    public static async Task<(Guid Container, Guid Deployment)> CreateAsync(this HttpClient client, object spec)
    {
        var response = await client.PostAsJsonAsync("/api/servers", spec);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (body.GetProperty("containerId").GetGuid(), body.GetProperty("deploymentId").GetGuid());
    }

    /// <summary>Polls the deployment history until the deployment ends (or the timeout).</summary>
    public static async Task<JsonElement> WaitForDeploymentAsync(this HttpClient client, Guid deployment, double seconds = 120)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        JsonElement last = default;
        while (DateTime.UtcNow < deadline)
        {
            var response = await client.GetAsync($"/api/deployments/{deployment}");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                last = await response.Content.ReadFromJsonAsync<JsonElement>();
                if (last.GetProperty("status").GetString() is "succeeded" or "failed" or "cancelled") return last;
            }
            await Task.Delay(250);
        }
        throw new TimeoutException($"deployment {deployment} did not end: {last}");
    }

    public static async Task<JsonElement> GetContainerAsync(this HttpClient client, Guid container) =>
        await client.GetFromJsonAsync<JsonElement>($"/api/servers/{container}");

    public static IEnumerable<(string Name, string Status)> Stages(JsonElement deployment) =>
        deployment.GetProperty("stages").EnumerateArray().Select(s => (s.GetProperty("name").GetString()!, s.GetProperty("status").GetString()!));
}
