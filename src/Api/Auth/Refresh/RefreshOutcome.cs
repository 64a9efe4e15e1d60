namespace ZeroLagHub.Api.Auth.Refresh;

/// <summary>What presenting a refresh token led to.</summary>
public enum RefreshOutcome
{
    /// <summary>The token was live; it is now consumed and a successor issued.</summary>
    Rotated,

    /// <summary>Unknown, expired, revoked, or its account is disabled.</summary>
    Refused,

    /// <summary>Already consumed: a copy is in someone's hands, so its whole family is now revoked.</summary>
    ReuseDetected,
}
