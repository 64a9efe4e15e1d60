namespace ZeroLagHub.Agent.Files;

/// <summary>Structured lines for file operations (EventIds 4400–4419). Paths are the client's, relative to the root.</summary>
internal static partial class FilesLog
{
    [LoggerMessage(4400, LogLevel.Information, "Files: wrote {Path} ({Size} bytes, sha256 {Sha256})")]
    public static partial void Wrote(this ILogger logger, string path, long size, string sha256);

    [LoggerMessage(4401, LogLevel.Information, "Files: created directory {Path}")]
    public static partial void CreatedDirectory(this ILogger logger, string path);

    [LoggerMessage(4402, LogLevel.Information, "Files: renamed {From} to {To}")]
    public static partial void Renamed(this ILogger logger, string from, string to);

    [LoggerMessage(4403, LogLevel.Information, "Files: deleted {Path} ({Removed} entries)")]
    public static partial void Deleted(this ILogger logger, string path, long removed);

    [LoggerMessage(4404, LogLevel.Debug, "Files: read {Path} ({Size} bytes)")]
    public static partial void Read(this ILogger logger, string path, long size);

    [LoggerMessage(4405, LogLevel.Debug, "Files: listed {Path} ({Count} entries)")]
    public static partial void Listed(this ILogger logger, string path, int count);

    /// <summary>Someone tried to leave the jail (or a link was in the way): worth a warning, it may be an attack.</summary>
    [LoggerMessage(4406, LogLevel.Warning, "Files: {Operation} {Path} refused by the jail: {Error}")]
    public static partial void JailRefused(this ILogger logger, string operation, string path, FileError error);

    [LoggerMessage(4407, LogLevel.Information, "Files: {Operation} {Path} failed: {Error} (errno {Errno})")]
    public static partial void Failed(this ILogger logger, string operation, string path, FileError error, int errno);

    [LoggerMessage(4408, LogLevel.Information, "Files: upload to {Path} refused: over {Limit} bytes; nothing written")]
    public static partial void TooLarge(this ILogger logger, string path, long limit);

    [LoggerMessage(4409, LogLevel.Debug, "Files: upload to {Path} abandoned by the client; partial file removed")]
    public static partial void UploadAborted(this ILogger logger, string path);

    [LoggerMessage(4410, LogLevel.Information, "Files: resolving paths with {Resolver}; new files owned by {Owner}")]
    public static partial void Started(this ILogger logger, string resolver, string owner);
}
