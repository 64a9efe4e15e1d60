namespace ZeroLagHub.Agent.Install;

/// <summary>A failed install as a value: the failing side, a message for the user and the install's last output lines.</summary>
public sealed record InstallFailure(InstallError Error, string Message, IReadOnlyList<string> Output)
{
    /// <summary>4xx for bad input, 502 for the artifact server's fault, 500 for the agent's.</summary>
    public int StatusCode => Error switch
    {
        InstallError.BadRequest or InstallError.CatalogMissing => 400,
        InstallError.CatalogUnavailable or InstallError.Download or InstallError.ChecksumMismatch
            or InstallError.Extract or InstallError.UnsafeArchive => 502,
        _ => 500,
    };
}
