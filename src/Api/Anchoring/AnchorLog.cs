namespace ZeroLagHub.Api.Anchoring;

internal static partial class AnchorLog
{
    [LoggerMessage(EventId = 7100, Level = LogLevel.Information,
        Message = "Anchor {File} written: {Streams} streams up to event sequence {LastSequence}, key {KeyId}, sha256 {Sha256}")]
    public static partial void Written(ILogger logger, string file, int streams, long lastSequence, string keyId, string sha256);

    [LoggerMessage(EventId = 7101, Level = LogLevel.Error, Message = "Scheduled anchor failed; the next attempt is in {Interval}")]
    public static partial void ScheduledFailed(ILogger logger, TimeSpan interval, Exception error);

    [LoggerMessage(EventId = 7102, Level = LogLevel.Warning,
        Message = "Anchor from {CreatedAt} does not match the database: {Count} streams differ, first {Stream}@{Version}")]
    public static partial void Mismatch(ILogger logger, DateTimeOffset createdAt, int count, string stream, long version);

    [LoggerMessage(EventId = 7103, Level = LogLevel.Information, Message = "Anchoring every {Interval} into {Directory} with {Key}")]
    public static partial void Scheduled(ILogger logger, TimeSpan interval, string directory, string key);
}
