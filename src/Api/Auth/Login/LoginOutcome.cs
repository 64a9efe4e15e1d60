namespace ZeroLagHub.Api.Auth.Login;

public enum LoginOutcome
{
    LoggedIn,

    /// <summary>Unknown account, wrong password or disabled account: deliberately one outcome.</summary>
    Refused,

    /// <summary>Too many recent failures for the account or the client address.</summary>
    Throttled,
}
