using System.Globalization;
using System.Net;
using System.Security.Claims;
using ZeroLagHub.Api.Auth.Tokens;
using ZeroLagHub.Api.Containers;

namespace ZeroLagHub.Api.Auth.SingleUse;

/// <summary>
/// Short-lived, single-use tokens that open one container's IDE (<see cref="TokenTypes.DevIde"/>) or console
/// (<see cref="TokenTypes.Console"/>) where a browser cannot send an Authorization header: in a URL.
/// Claims: <c>sub</c>, <c>container</c>, <c>vmid</c> and the user's roles at issue (an admin may open
/// containers of others). Their type keeps them off every other route, and access tokens off these.
/// </summary>
public sealed class ContainerTokens(TokenService tokens, SingleUseTokens used)
{
    public const string ContainerClaim = "container";
    public const string VmidClaim = "vmid";

    public IssuedToken Issue(string type, CurrentUser user, ContainerAccess container, TimeSpan lifetime)
    {
        var claims = user.ToTokenClaims();
        claims[ContainerClaim] = container.Id.ToString();
        if (container.Vmid is { } vmid) claims[VmidClaim] = vmid;
        return tokens.Issue(type, user.Id.ToString(), lifetime, claims);
    }

    /// <summary>Validates <paramref name="token"/> as <paramref name="type"/> for <paramref name="containerId"/> and spends it.</summary>
    public async Task<ContainerTokenCheck> RedeemAsync(string token, string type, Guid containerId, IPAddress? clientIp, CancellationToken ct)
    {
        var check = await tokens.ValidateAsync(token, type);
        if (!check.IsValid || !Guid.TryParse(check.Subject, out var userId) || check.TokenId is not { } tokenId
            || !Guid.TryParse(check.Identity.FindFirst(ContainerClaim)?.Value, out var tokenContainer))
            return ContainerTokenCheck.Failed(ContainerTokenOutcome.Invalid);
        // Checked before spending: a token shown to the wrong container stays usable on its own.
        if (tokenContainer != containerId) return ContainerTokenCheck.Failed(ContainerTokenOutcome.OtherContainer);
        if (!await used.RedeemAsync(tokenId, ExpiryOf(check.Identity), ct)) return ContainerTokenCheck.Failed(ContainerTokenOutcome.Reused);

        return new ContainerTokenCheck(ContainerTokenOutcome.Redeemed, CurrentUser.FromToken(userId, check.Identity, clientIp));
    }

    private static DateTimeOffset ExpiryOf(ClaimsIdentity identity) =>
        long.TryParse(identity.FindFirst("exp")?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : throw new InvalidOperationException("a validated token has no exp claim"); // RequireExpirationTime makes this unreachable
}
