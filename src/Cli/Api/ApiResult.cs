namespace ZeroLagHub.Cli.Api;

/// <summary>A call's value, or the problem that stopped it (never both).</summary>
public sealed record ApiResult<T>(T? Value, ApiProblem? Problem)
{
    public static implicit operator ApiResult<T>(ApiProblem problem) => new(default, problem);
}
