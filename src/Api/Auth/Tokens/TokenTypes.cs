namespace ZeroLagHub.Api.Auth.Tokens;

/// <summary>
/// The value of a token's <c>type</c> claim. Every validation names the one type it accepts, so a token
/// minted for one purpose (an IDE session, a console socket) is never accepted for another.
/// </summary>
public static class TokenTypes
{
    /// <summary>The API's bearer token (15 min), the only type the authentication handler accepts.</summary>
    public const string Access = "access";

    public const string DevIde = "dev-ide";
    public const string Console = "console";
    public const string Sse = "sse";
}
