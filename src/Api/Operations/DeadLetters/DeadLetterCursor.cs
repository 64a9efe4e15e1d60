using System.Globalization;

namespace ZeroLagHub.Api.Operations.DeadLetters;

/// <summary>
/// The keyset of a dead-letter page, (failed at, id), as one opaque query value:
/// <c>&lt;unix microseconds&gt;.&lt;id&gt;</c>. Microseconds because that is what PostgreSQL stores.
/// </summary>
public static class DeadLetterCursor
{
    public static string From(DeadLetter last) =>
        $"{(last.FailedAt - DateTimeOffset.UnixEpoch).Ticks / 10}.{last.Id:N}";

    /// <returns>A dead letter carrying only the keyset (what <see cref="DeadLetterStore.ListAsync"/> reads of <c>after</c>); null when malformed.</returns>
    public static DeadLetter? Parse(string cursor)
    {
        var parts = cursor.Split('.');
        if (parts.Length != 2 || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var micros)
            || !Guid.TryParse(parts[1], out var id))
            return null;
        var failedAt = DateTimeOffset.UnixEpoch.AddTicks(micros * 10);
        return new DeadLetter(id, "", 0, "", default, 0, "", failedAt, null);
    }
}
