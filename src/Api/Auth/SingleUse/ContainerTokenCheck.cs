namespace ZeroLagHub.Api.Auth.SingleUse;

/// <summary>The outcome of redeeming a container-scoped token; <see cref="User"/> is set when <see cref="ContainerTokenOutcome.Redeemed"/>.</summary>
public sealed record ContainerTokenCheck(ContainerTokenOutcome Outcome, CurrentUser? User)
{
    public static ContainerTokenCheck Failed(ContainerTokenOutcome outcome) => new(outcome, null);
}
