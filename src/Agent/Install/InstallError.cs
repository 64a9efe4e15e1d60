namespace ZeroLagHub.Agent.Install;

/// <summary>Why an install failed, naming the failing side. Each maps to one HTTP status (<see cref="InstallFailure.StatusCode"/>).</summary>
public enum InstallError
{
    /// <summary>The request itself is wrong (a name with path characters, a version without a runtime). 400.</summary>
    BadRequest,

    /// <summary>The runtime, version or addon is not in the catalog. Nothing was downloaded. 400.</summary>
    CatalogMissing,

    /// <summary>The catalog could not be fetched or parsed (server down, 401, not JSON). 502.</summary>
    CatalogUnavailable,

    /// <summary>The artifact could not be downloaded (status, connection, wrong size). 502.</summary>
    Download,

    /// <summary>The download does not hash to the catalog's SHA-256. Nothing was installed. 502.</summary>
    ChecksumMismatch,

    /// <summary>The archive is not a readable .tar.gz / .tar.xz (or of a format the agent does not know). 502.</summary>
    Extract,

    /// <summary>The archive tries to write outside its directory (absolute path, <c>..</c>, symlink out) or holds devices. 502.</summary>
    UnsafeArchive,

    /// <summary>The agent's own filesystem failed (disk full, permissions). 500.</summary>
    Filesystem,
}
