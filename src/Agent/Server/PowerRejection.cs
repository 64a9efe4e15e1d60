namespace ZeroLagHub.Agent.Server;

/// <summary>Why a power action was refused, with the HTTP status it becomes.</summary>
public enum PowerRejection
{
    /// <summary>409: a different power action is in progress.</summary>
    Busy,
    /// <summary>409: no server spec was provisioned, so there is nothing to start.</summary>
    NoServerSpec,
    /// <summary>409: this is a dev container.</summary>
    NotAGameServer,
    /// <summary>500: the holder could not be started or did not come up.</summary>
    HolderFailed,
}
