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

    /// <summary>
    /// Where a generated admin password is written (0600) instead of being printed, so that a start whose output
    /// is logged (<c>./zlh.sh up</c> keeps <c>logs/api.log</c>) logs no secret and <c>zlh login --password-file</c> reads it.
    /// </summary>
    public string? AdminPasswordFile { get; set; }

    public LoginLimits Login { get; set; } = new();

    public RegistrationLimits Registration { get; set; } = new();
}

/// <summary>Failed logins counted within <see cref="Window"/> (see <see cref="Login.LoginThrottle"/>).</summary>
public sealed class LoginLimits
{
    /// <summary>Failures of one account from one address before that address gets 429 for that account.</summary>
    public int MaxFailuresPerAccountFromIp { get; set; } = 5;

    /// <remarks>Higher than per account: many people may share one address (NAT, an office).</remarks>
    public int MaxFailuresPerIp { get; set; } = 50;

    /// <summary>Failures of one account, from any address, before each further attempt is slowed (never refused).</summary>
    public int SlowdownAfterAccountFailures { get; set; } = 5;

    /// <summary>The delay at <see cref="SlowdownAfterAccountFailures"/>; it doubles with each further failure.</summary>
    public TimeSpan FirstSlowdown { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The delay stops growing here, so the right user is held up at most this long.</summary>
    public TimeSpan MaxSlowdown { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long to hold an attempt at an account with <paramref name="failures"/> recent failures.</summary>
    public TimeSpan SlowdownFor(int failures)
    {
        if (failures < SlowdownAfterAccountFailures) return TimeSpan.Zero;
        var doublings = Math.Min(failures - SlowdownAfterAccountFailures, 30);
        var delay = FirstSlowdown * Math.Pow(2, doublings);
        return delay < MaxSlowdown ? delay : MaxSlowdown;
    }
}

/// <summary>Registrations allowed per client address within <see cref="Window"/> before 429.</summary>
public sealed class RegistrationLimits
{
    public int MaxPerIp { get; set; } = 10;

    public TimeSpan Window { get; set; } = TimeSpan.FromHours(1);
}
