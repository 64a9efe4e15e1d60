namespace ZeroLagHub.Api.Auth.SingleUse;

/// <summary>How redeeming a container-scoped token ended.</summary>
public enum ContainerTokenOutcome
{
    /// <summary>Valid, for this container, and used for the first time: it is now spent.</summary>
    Redeemed,

    /// <summary>Bad signature, expired, another type (e.g. an access token) or malformed: 401.</summary>
    Invalid,

    /// <summary>Valid but issued for another container: 403, whether or not the requested one exists. Not spent.</summary>
    OtherContainer,

    /// <summary>Valid but already redeemed (here or on another API node): 401.</summary>
    Reused,
}
