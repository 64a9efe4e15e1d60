using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.FileProviders;
using ZeroLagHub.Api.Portal;
using ZeroLagHub.Api.Portal.Catalog;
using ZeroLagHub.Api.Portal.Csrf;
using ZeroLagHub.Api.Portal.Session;

namespace ZeroLagHub.Api.Extensions;

/// <summary>The users' portal (src/Api/Portal): Razor Pages at <c>/</c>, their scripts and styles, the session cookie and CSRF check.</summary>
public static class PortalRegistration
{
    /// <summary>Whether <c>Portal:Enabled</c> is set; everything below is a no-op otherwise.</summary>
    public static bool PortalEnabled(this IConfiguration configuration) =>
        configuration.GetSection(PortalOptions.Section).Get<PortalOptions>()?.Enabled == true;

    public static WebApplicationBuilder AddPortal(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        // Always: the cookie scheme exists (ApiAuthentication only chooses it with the portal on).
        services.AddSingleton<PortalSessions>();
        if (!builder.Configuration.PortalEnabled()) return builder;
        PortalStartupCheck.Run(builder.Configuration);

        services.AddRazorPages(o =>
        {
            o.RootDirectory = "/Portal/Pages";
            // Every page needs the session cookie but the sign-in page (the fallback policy would too; this says so).
            o.Conventions.AuthorizeFolder("/");
            o.Conventions.AllowAnonymousToPage("/SignIn");
            o.Conventions.ConfigureFilter(new PortalContentSecurityPolicy());
        });
        // Antiforgery tokens are sealed with Data Protection; its keys live beside the signing key, so a restart keeps
        // open pages working. NOTE: several API nodes must share this directory (or the portal be sticky to a node).
        services.AddDataProtection().SetApplicationName("ZeroLagHub.Portal")
            .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(ZeroLagHubRegistration.DataDirectory(builder.Configuration), "portal-keys")));
        services.AddAntiforgery(o =>
        {
            o.HeaderName = PortalCsrfCheck.HeaderName;
            o.Cookie.Name = "zlh_csrf";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            // UseSecurityHeaders already sends X-Frame-Options: DENY.
            o.SuppressXFrameOptionsHeader = true;
        });
        return builder;
    }

    /// <summary>The portal's scripts, styles and vendored xterm.js: anonymous (like any site's), before authentication.</summary>
    public static WebApplication UsePortalStaticFiles(this WebApplication app)
    {
        if (!app.Configuration.PortalEnabled()) return app;
        // From the build output, not the content root: the same files whether run from the project or a publish folder.
        var root = Path.Combine(AppContext.BaseDirectory, "Portal", "wwwroot");
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = new PhysicalFileProvider(root),
            RequestPath = "/static",
            OnPrepareResponse = c => c.Context.Response.Headers.CacheControl = "no-cache",
        });
        return app;
    }

    /// <summary>After authentication: state changes made with the cookie need the antiforgery token.</summary>
    public static WebApplication UsePortalCsrfCheck(this WebApplication app)
    {
        if (app.Configuration.PortalEnabled()) app.UseMiddleware<PortalCsrfCheck>();
        return app;
    }

    public static WebApplication MapPortal(this WebApplication app)
    {
        // The catalog is an API route like any (the CLI may use it): mapped whether or not the pages are.
        app.MapCatalogApi();
        if (app.Configuration.PortalEnabled()) app.MapRazorPages();
        return app;
    }
}
