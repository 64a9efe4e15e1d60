namespace ZeroLagHub.Api.Auth;

/// <summary>
/// The <c>Auth</c> configuration section (environment: <c>ZLH_AUTH__SIGNINGKEY</c>, <c>ZLH_AUTH__KEYFILE</c>, …).
/// </summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    public string Issuer { get; set; } = "zeroLagHub";
    public string Audience { get; set; } = "zeroLagHub-api";

    /// <summary>Base64 HMAC-SHA256 key of at least 32 bytes. When absent, <see cref="KeyFile"/> is used.</summary>
    public string? SigningKey { get; set; }

    /// <summary>Where a generated key is kept (0600). Default: <c>auth-signing.key</c> under ZLH_DATA, else the working directory.</summary>
    public string? KeyFile { get; set; }

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Password of the <c>admin</c> account created on first run; generated and printed once when absent.</summary>
    public string? AdminPassword { get; set; }

    public LoginLimits Login { get; set; } = new();
}

/// <summary>Failed logins allowed within <see cref="Window"/> before further attempts get 429.</summary>
public sealed class LoginLimits
{
    public int MaxFailuresPerAccount { get; set; } = 5;

    /// <remarks>Higher than per account: many people may share one address (NAT, an office).</remarks>
    public int MaxFailuresPerIp { get; set; } = 50;

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(15);
}
