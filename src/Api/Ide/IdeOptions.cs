namespace ZeroLagHub.Api.Ide;

/// <summary>The <c>Ide</c> configuration section (environment: <c>ZLH_IDE__SESSIONIDLETIMEOUT</c>, <c>ZLH_IDE__HOSTPATTERN</c>).</summary>
public sealed class IdeOptions
{
    public const string Section = "Ide";

    /// <summary>An IDE session ends after this long without a request (each request extends it).</summary>
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromHours(12);

    /// <summary>
    /// Host mode, e.g. <c>{id}.ide.example.com</c>: a request whose Host matches is the IDE of that container,
    /// served at <c>/</c> on an origin of its own (extension code in the IDE then cannot reach the portal's
    /// origin). Unset: path mode only, <c>/api/dev/{id}/ide/</c>.
    /// </summary>
    public string? HostPattern { get; set; }

    /// <summary>
    /// Origins besides the request's own host (e.g. <c>https://portal.example.com</c>) whose pages may open an IDE
    /// WebSocket that the <c>zlh_ide</c> cookie authenticates. Any other Origin gets 403 (<see cref="WebSocketOrigin"/>).
    /// </summary>
    public string[] TrustedOrigins { get; set; } = [];
}
