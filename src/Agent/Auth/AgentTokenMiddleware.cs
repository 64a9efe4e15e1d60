using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using ZeroLagHub.Agent.Hosting;

namespace ZeroLagHub.Agent.Auth;

/// <summary>
/// Every request except <c>GET /health</c> (which answers more to it, see <see cref="HoldsToken"/>) must carry <c>Authorization: Bearer &lt;agent token&gt;</c>.
/// The comparison is constant-time over SHA-256 digests (equal lengths whatever was sent), so response
/// timing says nothing about the token. Neither token is ever logged.
/// </summary>
public sealed class AgentTokenMiddleware(RequestDelegate next, IOptions<AgentOptions> options)
{
    private static readonly object HoldsTokenKey = new();

    /// <summary>Whether the request to an anonymous route carried this agent's token.</summary>
    public static bool HoldsToken(HttpContext context) => context.Items.ContainsKey(HoldsTokenKey);

    private readonly byte[] _expected = SHA256.HashData(Encoding.UTF8.GetBytes(options.Value.Token));

    public async Task InvokeAsync(HttpContext context)
    {
        var valid = Presented(context, out var token) && CryptographicOperations.FixedTimeEquals(_expected, SHA256.HashData(Encoding.UTF8.GetBytes(token)));
        if (context.Request.Path.Equals("/health", StringComparison.Ordinal) && HttpMethods.IsGet(context.Request.Method))
        {
            // Open to anyone, who learns only that the agent is up; the token holder also learns which agent it is.
            if (valid) context.Items[HoldsTokenKey] = true;
            await next(context);
            return;
        }

        if (!valid)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized",
                detail: "this agent requires its bearer token").ExecuteAsync(context);
            return;
        }
        await next(context);
    }

    private static bool Presented(HttpContext context, out string token)
    {
        const string scheme = "Bearer ";
        var header = context.Request.Headers.Authorization.ToString();
        token = header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) ? header[scheme.Length..].Trim() : "";
        return token.Length > 0;
    }
}
