using System.Net.Http.Json;

namespace ZeroLagHub.Bench.Status;

/// <summary>
/// An ordinary account on the API under test, created through its own endpoints: registered, then logged in
/// for an access token. The seeded containers are its own, so every status read passes a real ownership check
/// (an admin would pass it without comparing owners).
/// </summary>
internal static class BenchUser
{
    private sealed record Credentials(string Username, string Password);

    private sealed record Registered(Guid Id, string Username);

    private sealed record Tokens(string AccessToken, DateTimeOffset ExpiresAt, string RefreshToken);

    public static async Task<(Guid Id, string AccessToken)> CreateAsync(HttpClient api, CancellationToken ct)
    {
        var credentials = new Credentials($"bench-{Guid.NewGuid():N}"[..20], Convert.ToHexString(Guid.NewGuid().ToByteArray()));
        using var registered = await api.PostAsJsonAsync("api/auth/register", credentials, ct);
        await EnsureAsync(registered, "POST /api/auth/register", ct);
        var user = await registered.Content.ReadFromJsonAsync<Registered>(ct) ?? throw new InvalidOperationException("register returned no account");

        using var login = await api.PostAsJsonAsync("api/auth/login", credentials, ct);
        await EnsureAsync(login, "POST /api/auth/login", ct);
        var tokens = await login.Content.ReadFromJsonAsync<Tokens>(ct) ?? throw new InvalidOperationException("login returned no tokens");
        return (user.Id, tokens.AccessToken);
    }

    private static async Task EnsureAsync(HttpResponseMessage response, string what, CancellationToken ct)
    {
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"{what}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
    }
}
