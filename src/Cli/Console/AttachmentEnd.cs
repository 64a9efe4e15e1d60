using System.Net.WebSockets;

namespace ZeroLagHub.Cli.Consoles;

/// <summary>How one connection of the console ended (<see cref="Attachment"/>); the session decides what follows.</summary>
internal abstract record AttachmentEnd
{
    /// <summary>The far side closed the socket: the console ended, or (1012 and the like) it asks us to reconnect.</summary>
    public sealed record Closed(WebSocketCloseStatus? Status, string? Reason) : AttachmentEnd;

    /// <summary>The connection broke without a close (the API went away, the network dropped, pings went unanswered).</summary>
    public sealed record Dropped(string Why) : AttachmentEnd;

    /// <summary>The detach key: we closed, the remote side keeps running.</summary>
    public sealed record Detached : AttachmentEnd;

    /// <summary>Piped input ended and the server console's output went quiet: we closed.</summary>
    public sealed record InputDone : AttachmentEnd;

    /// <summary>stdout was closed (the reader of a pipe went away): we closed.</summary>
    public sealed record OutputGone : AttachmentEnd;

    /// <summary>SIGINT or SIGTERM from outside: we closed.</summary>
    public sealed record Interrupted : AttachmentEnd;
}
