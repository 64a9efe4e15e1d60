namespace ZeroLagHub.Forwarding;

/// <summary>
/// How a forwarded exchange ended. Expected failures are values, not exceptions; each member names the
/// leg that failed: the client (who called us) or the destination (the next hop).
/// </summary>
public enum ForwarderError
{
    /// <summary>The exchange completed, whatever status the destination answered.</summary>
    None,

    /// <summary>The destination could not be reached or refused the connection, or sent no valid response: 502.</summary>
    Request,

    /// <summary>The destination did not answer with headers within <see cref="ForwardRequest.Timeout"/>: 504.</summary>
    RequestTimedOut,

    /// <summary>The client went away before the destination answered; nothing is written.</summary>
    RequestCanceled,

    /// <summary>Reading the request body from the client failed (it aborted or sent a malformed body).</summary>
    RequestBodyClient,

    /// <summary>Writing the request body to the destination failed.</summary>
    RequestBodyDestination,

    /// <summary>Reading the response body from the destination failed after the response had started: the client's response is aborted.</summary>
    ResponseBodyDestination,

    /// <summary>Writing the response body to the client failed (it went away).</summary>
    ResponseBodyClient,

    /// <summary>An upgraded (WebSocket) tunnel ended because the client's side failed.</summary>
    UpgradeClient,

    /// <summary>An upgraded (WebSocket) tunnel ended because the destination's side failed.</summary>
    UpgradeDestination,
}
