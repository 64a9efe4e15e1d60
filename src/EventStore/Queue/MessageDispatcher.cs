using Microsoft.Extensions.Logging;
using ZeroLagHub.EventStore.Serialization;

namespace ZeroLagHub.EventStore.Queue;

/// <summary>
/// Runs one claimed message through its handler and turns whatever happens into an outcome: handled,
/// retry after backoff, or dead letter. Never throws for anything a message or handler can do.
/// </summary>
internal sealed class MessageDispatcher(EventTypeRegistry types, MessageHandlers handlers, MessageWorkerOptions options, ILogger logger)
{
    // Operators read it; a stack trace is useful, a megabyte of one is not.
    private const int MaxErrorLength = 4000;

    /// <returns>The outcome to write; null when the handler was stopped by the end of the grace period (its lease is released instead).</returns>
    public async Task<MessageOutcome?> DeliverAsync(ClaimedMessage claimed, CancellationToken handlerStop)
    {
        // More deliveries than allowed can only mean earlier ones never reported back: their workers died
        // or hung past the lease. Running it again would let a message that kills its worker loop forever.
        if (claimed.Attempt > options.MaxAttempts)
        {
            return DeadLetter(claimed, $"{claimed.Attempt - 1} deliveries ended without an outcome (lease expired: " +
                                       "the worker died or hung while handling it)");
        }

        object message;
        try
        {
            message = types.Deserialize(claimed.Type, claimed.SchemaVersion, claimed.Data, $"message {claimed.Id}", claimed.Attempt);
        }
        catch (UnknownEventTypeException)
        {
            return DeadLetter(claimed, $"message type '{claimed.Type}' is not registered in the EventTypeRegistry of worker " +
                                       $"{options.WorkerId}: register it (or an upcaster for its old name), then replay");
        }
        catch (Exception e)
        {
            // Schema, JSON and upcaster failures alike (upcasters are the application's code and may
            // throw anything): retrying cannot make these bytes readable.
            return DeadLetter(claimed, $"the stored message cannot be read: {e.GetType().Name}: {e.Message}");
        }

        var handler = handlers.For(message.GetType());
        if (handler is null)
        {
            return DeadLetter(claimed, $"no handler is registered for message type '{claimed.Type}' ({message.GetType().FullName}) " +
                                       $"on worker {options.WorkerId}: register one, then replay");
        }

        try
        {
            await handler(claimed, message, handlerStop);
            return new MessageOutcome(claimed.Id, claimed.Attempt, OutcomeKind.Handled);
        }
        catch (OperationCanceledException) when (handlerStop.IsCancellationRequested)
        {
            return null;
        }
        catch (Exception e)
        {
            var error = Truncate(e.ToString());
            if (claimed.Attempt >= options.MaxAttempts) return DeadLetter(claimed, error);
            var retryIn = options.Backoff.Delay(claimed.Attempt, Random.Shared.NextDouble());
            QueueLog.HandlerFailed(logger, options.WorkerId, claimed.Id, claimed.Type, claimed.Attempt, retryIn, e);
            return new MessageOutcome(claimed.Id, claimed.Attempt, OutcomeKind.Retry, error, retryIn);
        }
    }

    private MessageOutcome DeadLetter(ClaimedMessage claimed, string error)
    {
        QueueLog.DeadLettered(logger, options.WorkerId, claimed.Id, claimed.Type, claimed.Attempt, error);
        return new MessageOutcome(claimed.Id, claimed.Attempt, OutcomeKind.DeadLetter, Truncate(error));
    }

    // PostgreSQL text cannot hold NUL.
    private static string Truncate(string error) =>
        (error.Length > MaxErrorLength ? error[..MaxErrorLength] + " …" : error).Replace('\0', ' ');
}
