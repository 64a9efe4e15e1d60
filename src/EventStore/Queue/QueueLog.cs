using Microsoft.Extensions.Logging;

namespace ZeroLagHub.EventStore.Queue;

/// <summary>The queue's log lines, with fixed event ids (1300–1399) so operators can alert on them.</summary>
/// <remarks>
/// NOTE: LoggerMessage.Define rather than [LoggerMessage] partial methods: the abstractions reach this
/// project only through Npgsql, whose dependency excludes the analyzers that hold the generator. A
/// direct PackageReference in the csproj would allow the generated form; the delegates are the same.
/// </remarks>
internal static class QueueLog
{
    private static readonly Action<ILogger, Exception?> NotifyFailedMessage = LoggerMessage.Define(LogLevel.Warning,
        new EventId(1300, "QueueNotifyFailed"), "Queue NOTIFY failed; workers on other nodes find the message on their timer");

    private static readonly Action<ILogger, string, Exception?> ListenerFailedMessage = LoggerMessage.Define<string>(LogLevel.Warning,
        new EventId(1301, "QueueListenerFailed"), "Queue worker {WorkerId}: LISTEN connection failed, reconnecting");

    private static readonly Action<ILogger, string, TimeSpan, Exception?> ClaimFailedMessage = LoggerMessage.Define<string, TimeSpan>(
        LogLevel.Warning, new EventId(1302, "QueueClaimFailed"), "Queue worker {WorkerId}: claiming failed, retrying in {RetryIn}");

    private static readonly Action<ILogger, string, int, TimeSpan, Exception?> CompleteFailedMessage =
        LoggerMessage.Define<string, int, TimeSpan>(LogLevel.Warning, new EventId(1303, "QueueCompleteFailed"),
            "Queue worker {WorkerId}: writing {Count} outcomes failed, retrying in {RetryIn}");

    private static readonly Action<ILogger, string, Exception?> MaintenanceFailedMessage = LoggerMessage.Define<string>(LogLevel.Warning,
        new EventId(1304, "QueueMaintenanceFailed"), "Queue worker {WorkerId}: renewing leases or purging keys failed");

    private static readonly Action<ILogger, string, Guid, int, Exception?> LeaseLostMessage = LoggerMessage.Define<string, Guid, int>(
        LogLevel.Warning, new EventId(1305, "QueueLeaseLost"),
        "Queue worker {WorkerId}: lost the lease of message {MessageId} (attempt {Attempt}); another worker may deliver it meanwhile");

    private static readonly Action<ILogger, string, Guid, string, int, TimeSpan, Exception?> HandlerFailedMessage =
        LoggerMessage.Define<string, Guid, string, int, TimeSpan>(LogLevel.Warning, new EventId(1306, "QueueHandlerFailed"),
            "Queue worker {WorkerId}: message {MessageId} ({Type}) failed on attempt {Attempt}, retrying in {RetryIn}");

    private static readonly Action<ILogger, string, Guid, string, int, string, Exception?> DeadLetteredMessage =
        LoggerMessage.Define<string, Guid, string, int, string>(LogLevel.Error, new EventId(1307, "QueueDeadLettered"),
            "Queue worker {WorkerId}: message {MessageId} ({Type}) moved to the dead letters after {Attempts} attempts: {Error}");

    private static readonly Action<ILogger, string, int, Exception?> LeasesReleasedMessage = LoggerMessage.Define<string, int>(
        LogLevel.Information, new EventId(1308, "QueueLeasesReleased"),
        "Queue worker {WorkerId}: stopping; released the leases of {Count} handlers still running after the grace period");

    private static readonly Action<ILogger, string, int, Exception?> OutcomesDroppedMessage = LoggerMessage.Define<string, int>(
        LogLevel.Warning, new EventId(1309, "QueueOutcomesDropped"),
        "Queue worker {WorkerId}: gave up writing {Count} outcomes or releases while stopping; those messages are delivered again after their lease");

    private static readonly Action<ILogger, string, int, Exception?> StaleOutcomesMessage = LoggerMessage.Define<string, int>(
        LogLevel.Warning, new EventId(1310, "QueueStaleOutcomes"),
        "Queue worker {WorkerId}: {Count} outcomes found their message claimed by another worker and changed nothing");

    public static void NotifyFailed(ILogger logger, Exception e) => NotifyFailedMessage(logger, e);

    public static void ListenerFailed(ILogger logger, string workerId, Exception e) => ListenerFailedMessage(logger, workerId, e);

    public static void ClaimFailed(ILogger logger, string workerId, TimeSpan retryIn, Exception e) => ClaimFailedMessage(logger, workerId, retryIn, e);

    public static void CompleteFailed(ILogger logger, string workerId, int count, TimeSpan retryIn, Exception e) =>
        CompleteFailedMessage(logger, workerId, count, retryIn, e);

    public static void MaintenanceFailed(ILogger logger, string workerId, Exception e) => MaintenanceFailedMessage(logger, workerId, e);

    public static void LeaseLost(ILogger logger, string workerId, Guid messageId, int attempt) =>
        LeaseLostMessage(logger, workerId, messageId, attempt, null);

    public static void HandlerFailed(ILogger logger, string workerId, Guid messageId, string type, int attempt, TimeSpan retryIn, Exception e) =>
        HandlerFailedMessage(logger, workerId, messageId, type, attempt, retryIn, e);

    public static void DeadLettered(ILogger logger, string workerId, Guid messageId, string type, int attempts, string error) =>
        DeadLetteredMessage(logger, workerId, messageId, type, attempts, error, null);

    public static void LeasesReleased(ILogger logger, string workerId, int count) => LeasesReleasedMessage(logger, workerId, count, null);

    public static void OutcomesDropped(ILogger logger, string workerId, int count) => OutcomesDroppedMessage(logger, workerId, count, null);

    public static void StaleOutcomes(ILogger logger, string workerId, int count) => StaleOutcomesMessage(logger, workerId, count, null);
}
