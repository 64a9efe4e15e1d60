namespace ZeroLagHub.Api.Portal;

/// <summary>
/// The portal refuses to start with the IDE in path mode. code-server runs the user's code and extensions; served
/// under <c>/api/dev/{id}/ide/</c> it would share the portal's origin, read a page's CSRF token and act with the
/// portal's cookie. In host mode (<c>Ide:HostPattern</c>) it has an origin of its own, to which the portal's host-only
/// cookie is never sent.
/// </summary>
public static class PortalStartupCheck
{
    public static void Run(IConfiguration configuration)
    {
        if (string.IsNullOrWhiteSpace(configuration["Ide:HostPattern"]))
            throw new InvalidOperationException(
                "Portal:Enabled is true but the IDE is in path mode: set Ide:HostPattern (e.g. ZLH_IDE__HOSTPATTERN='{id}.ide.localhost'), " +
                "so that code-server runs on an origin of its own and cannot act with the portal's cookie, or turn the portal off.");
    }
}
