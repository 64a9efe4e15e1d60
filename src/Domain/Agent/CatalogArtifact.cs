namespace ZeroLagHub.Domain.Agent;

/// <summary>One downloadable archive listed in the artifact server's <c>_catalog.json</c>.</summary>
/// <param name="File">Name on the artifact server, relative to its base URL: <c>jdk-21.tar.gz</c>, <c>node-24.tar.xz</c>.</param>
/// <param name="ArchivePrefix">
/// The file-name prefix of the artifact, which is not always the runtime's name: java ships as
/// <c>jdk-21.tar.gz</c>, so java's prefix is <c>jdk</c>. Exported to dev shells as <c>ARCHIVE_PREFIX</c>.
/// </param>
/// <param name="Sha256">Lower- or upper-case hex; the download must match it before anything is extracted.</param>
/// <param name="Size">Exact byte count; a longer or shorter download is an error.</param>
/// <param name="StandIn">
/// A small stand-in written for tests and the quick mode (<c>Artifacts:StandIns</c>), not the real runtime:
/// every output that names it says so.
/// </param>
public sealed record CatalogArtifact(string File, string ArchivePrefix, string Sha256, long Size, bool StandIn = false);
