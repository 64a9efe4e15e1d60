namespace ZeroLagHub.Cli.Shell;

/// <summary>What <c>zlh</c> returns, so scripts can branch without parsing messages (docs/cli.md).</summary>
public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The request was made and failed: a refused command, a failed deployment, an unreachable API.</summary>
    public const int Failed = 1;

    /// <summary>The command line (or the input it carried) is wrong; nothing was changed.</summary>
    public const int Usage = 2;

    /// <summary>Not found, not yours, or not logged in (HTTP 404 / 403 / 401).</summary>
    public const int NotFound = 3;
}
