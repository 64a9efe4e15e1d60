namespace ZeroLagHub.Agent.CodeServer;

/// <summary>Why code-server was not started. Each maps to one HTTP status (<see cref="CodeServerFailure.StatusCode"/>).</summary>
public enum CodeServerRejection
{
    /// <summary>The addon is not installed (no completion marker): provision with <c>code-server</c> first. 409.</summary>
    NotInstalled,

    /// <summary>The workspace does not exist yet: provision first. 409.</summary>
    NotProvisioned,

    /// <summary>Something else already listens on the configured loopback port. 409.</summary>
    PortInUse,

    /// <summary>The executable could not be started at all. 500.</summary>
    StartFailed,

    /// <summary>It started, then exited before listening (its output says why). Not retried. 500.</summary>
    ExitedOnStart,

    /// <summary>It did not listen within the start timeout; it was stopped again. 500.</summary>
    NotListening,
}
