using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Wolverine;
using Wolverine.Runtime.Serialization;
using ZeroLagHub.Api.Messaging;

namespace ZeroLagHub.Api.Tests.Operations;

/// <summary>
/// A dead letter as Wolverine stores one, of a message type nobody handles: replayed, it is dead-lettered
/// again at once (UnknownMessageBehavior.DeadLetterQueue), by Wolverine, with Wolverine's error instead of this one.
/// </summary>
public static class PlantedDeadLetter
{
    public const string Type = "test.unreadable";

    public const string Error = "planted by a test";

    public static async Task PlantAsync(IServiceProvider services, Guid id)
    {
        var envelope = new Envelope
        {
            Id = id, MessageType = Type, ContentType = "application/json", Data = "{}"u8.ToArray(),
            Destination = new Uri("local://durable"), SentAt = DateTimeOffset.UtcNow,
        };
        await using var command = services.GetRequiredService<NpgsqlDataSource>().CreateCommand($"""
            INSERT INTO {WolverineRegistration.Schema}.wolverine_dead_letters
                   (id, body, message_type, received_at, source, exception_type, exception_message, sent_at, replayable)
            VALUES (@id, @body, @type, 'local://durable/', 'test', 'Test', @error, now(), false)
            """);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("body", EnvelopeSerializer.Serialize(envelope));
        command.Parameters.AddWithValue("type", Type);
        command.Parameters.AddWithValue("error", Error);
        await command.ExecuteNonQueryAsync();
    }
}
