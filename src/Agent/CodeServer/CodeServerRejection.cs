namespace ZeroLagHub.Agent.CodeServer;

/// <summary>Why code-server was not started. Each maps to one HTTP status (<see cref="CodeServerFailure.StatusCode"/>).</summary>
public enum CodeServerRejection
{
    /// <summary>The addon is not installed (no completion marker): provision with <c>code-server</c> first. 409.</summary>
    NotInstalled,

    /// <summary>The workspace does not exist yet: provision first. 409.</summary>
    NotProvisioned,

    /// <summary>
    /// code-server's socket cannot be made private: its directory cannot be given to code-server's user with
    /// mode 0700, something that is not a socket is in its place, the path is too long for a Unix socket, or
    /// another process took code-server's place on it before the agent's hop got its link (<see cref="CodeServerHandOff"/>). 500.
    /// </summary>
    SocketUnavailable,

    /// <summary>The executable could not be started at all. 500.</summary>
    StartFailed,

    /// <summary>It started, then exited before listening (its output says why). Not retried. 500.</summary>
    ExitedOnStart,

    /// <summary>It did not listen (on a socket only its user may open) within the start timeout; it was stopped again. 500.</summary>
    NotListening,
}
