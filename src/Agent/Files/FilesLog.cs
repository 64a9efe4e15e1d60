namespace ZeroLagHub.Agent.Files;

/// <summary>Structured lines for file operations (EventIds 4100–4119). Paths are the client's, relative to the root.</summary>
internal static partial class FilesLog
{
    [LoggerMessage(4100, LogLevel.Information, "Files: wrote {Path} ({Size} bytes, sha256 {Sha256})")]
    public static partial void Wrote(this ILogger logger, string path, long size, string sha256);

    [LoggerMessage(4101, LogLevel.Information, "Files: created directory {Path}")]
    public static partial void CreatedDirectory(this ILogger logger, string path);

    [LoggerMessage(4102, LogLevel.Information, "Files: renamed {From} to {To}")]
    public static partial void Renamed(this ILogger logger, string from, string to);

    [LoggerMessage(4103, LogLevel.Information, "Files: deleted {Path} ({Removed} entries)")]
    public static partial void Deleted(this ILogger logger, string path, long removed);

    [LoggerMessage(4104, LogLevel.Debug, "Files: read {Path} ({Size} bytes)")]
    public static partial void Read(this ILogger logger, string path, long size);

    [LoggerMessage(4105, LogLevel.Debug, "Files: listed {Path} ({Count} entries)")]
    public static partial void Listed(this ILogger logger, string path, int count);

    /// <summary>Someone tried to leave the jail (or a link was in the way): worth a warning, it may be an attack.</summary>
    [LoggerMessage(4106, LogLevel.Warning, "Files: {Operation} {Path} refused by the jail: {Error}")]
    public static partial void JailRefused(this ILogger logger, string operation, string path, FileError error);

    [LoggerMessage(4107, LogLevel.Information, "Files: {Operation} {Path} failed: {Error} (errno {Errno})")]
    public static partial void Failed(this ILogger logger, string operation, string path, FileError error, int errno);

    [LoggerMessage(4108, LogLevel.Information, "Files: upload to {Path} refused: over {Limit} bytes; nothing written")]
    public static partial void TooLarge(this ILogger logger, string path, long limit);

    [LoggerMessage(4109, LogLevel.Debug, "Files: upload to {Path} abandoned by the client; partial file removed")]
    public static partial void UploadAborted(this ILogger logger, string path);

    [LoggerMessage(4110, LogLevel.Information, "Files: resolving paths with {Resolver}; new files owned by {Owner}")]
    public static partial void Started(this ILogger logger, string resolver, string owner);
}
