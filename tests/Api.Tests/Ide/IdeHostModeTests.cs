using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace ZeroLagHub.Api.Tests.Ide;

/// <summary>The API configured with <c>Ide:HostPattern</c>: the IDE on a host of its own, at <c>/</c>.</summary>
public sealed class HostModeFixture : DevContainersFixture
{
    public const string Pattern = "{id}.ide.zlh.test";

    public HostModeFixture() => Settings["Ide:HostPattern"] = Pattern;
}

public sealed class IdeHostModeTests(HostModeFixture api) : IClassFixture<HostModeFixture>
{
    [Fact]
    public async Task TheIdeIsServedAtTheRootOfItsOwnHostWithAHostOnlyCookie()
    {
        var (a, b) = await api.ContainersAsync();
        using var owner = api.CreateBareClientAs();
        var issued = await (await owner.PostAsync($"/api/dev/{a}/ide-token", null)).Content.ReadFromJsonAsync<JsonElement>();
        var url = new Uri(issued.GetProperty("url").GetString()!);
        Assert.Equal($"{a}.ide.zlh.test", url.Host);
        using var browser = api.CreateBareClient();

        var redirect = await SendAsync(browser, url.Host, url.PathAndQuery);
        Assert.Equal(HttpStatusCode.Found, redirect.StatusCode);
        Assert.Equal("/", redirect.Headers.Location!.OriginalString);
        var setCookie = IdeSteps.SessionSetCookie(redirect)!;
        Assert.Contains("path=/", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("domain=", setCookie, StringComparison.OrdinalIgnoreCase);

        var cookie = setCookie.Split(';')[0];
        var page = await SendAsync(browser, url.Host, "/", cookie);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Directory listing for /", await page.Content.ReadAsStringAsync());
        // The IDE's host serves only the IDE: API routes there are the IDE's paths, and need its session.
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(browser, url.Host, "/api/servers")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(browser, $"{b}.ide.zlh.test", "/", cookie)).StatusCode);
        // Path mode still works beside it.
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync("/api/servers")).StatusCode);
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string host, string pathAndQuery, string? cookie = null)
    {
        // Connect to Kestrel on loopback but name the IDE's host, as a DNS wildcard record would.
        var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
        request.Headers.Host = host;
        if (cookie is not null) request.Headers.Add("Cookie", cookie);
        return client.SendAsync(request);
    }
}
