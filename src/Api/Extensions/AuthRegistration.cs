using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using ZeroLagHub.Api.Auth;
using ZeroLagHub.Api.Auth.Accounts;
using ZeroLagHub.Api.Auth.Login;
using ZeroLagHub.Api.Auth.Refresh;
using ZeroLagHub.Api.Auth.Registration;
using ZeroLagHub.Api.Auth.Sessions;
using ZeroLagHub.Api.Auth.Tokens;
using ZeroLagHub.Api.Portal.Session;

namespace ZeroLagHub.Api.Extensions;

public static class AuthRegistration
{
    /// <summary>
    /// Access-token authentication and the fallback policy: every endpoint needs a valid access token
    /// unless it calls <c>AllowAnonymous()</c>. Policies: <see cref="AuthPolicies"/>.
    /// </summary>
    public static WebApplicationBuilder AddZeroLagHubAuth(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.Configure<AuthOptions>(builder.Configuration.GetSection(AuthOptions.Section));
        // Lazily on first use; AuthBootstrap resolves it at start so a bad key fails the start, not a request.
        services.AddSingleton(sp => SigningKey.Load(sp.GetRequiredService<IOptions<AuthOptions>>().Value,
            ZeroLagHubRegistration.DataDirectory(sp.GetRequiredService<IConfiguration>())));
        services.AddSingleton<TokenService>();
        services.AddSingleton<AccessTokenIssuer>();
        services.AddSingleton<IPasswordHasher<UserAccount>, PasswordHasher<UserAccount>>();
        services.AddSingleton<LoginThrottle>();
        services.AddSingleton<LoginHandler>();
        services.AddSingleton<RegistrationThrottle>();
        services.AddSingleton<RefreshTokens>();
        services.AddSingleton<SessionRevocations>();
        // The Redis copy of ended sessions, when there is a Redis (its connection is registered by AddLiveStatus).
        if (!string.IsNullOrWhiteSpace(builder.Configuration["Redis"])) services.AddSingleton<RevokedSessionCache>();
        services.AddSingleton(new OperatorConsole(System.Console.Out));
        // Registered after SchemaMigration (hosted services start in order): it needs the zlh schema.
        services.AddHostedService<AuthBootstrap>();

        // An access token, else (with the portal on) the portal's session cookie: see Portal/Session/ApiAuthentication.cs.
        services.AddAuthentication(ApiAuthentication.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, AccessTokenAuthenticationHandler>(AccessTokenAuthenticationHandler.SchemeName, null)
            .AddScheme<AuthenticationSchemeOptions, PortalCookieAuthenticationHandler>(PortalCookieAuthenticationHandler.SchemeName, null)
            .AddApiAuthenticationPolicy(builder.Configuration.PortalEnabled());
        AuthPolicies.AddTo(services.AddAuthorizationBuilder());
        return builder;
    }
}
