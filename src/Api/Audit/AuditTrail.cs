using Npgsql;
using ZeroLagHub.Api.Auth;

namespace ZeroLagHub.Api.Audit;

/// <summary>
/// Writes the command-log rows of what is not a container command: admin actions (through
/// <see cref="AuditedEndpoints.Audited"/>) and IDE and console sessions opened. Container commands are written
/// with their events instead (Commands/ControlPlaneTransaction.cs). Recorded at the HTTP edge, so the record
/// does not depend on which handler or queue carries the action out.
/// </summary>
public sealed class AuditTrail(NpgsqlDataSource db, TimeProvider clock)
{
    /// <summary>Audited actions. Names are the log's <c>command</c> column: stable, imperative, like command names.</summary>
    public static class Actions
    {
        public const string RebuildProjection = "RebuildProjection";
        public const string RetryProjection = "RetryProjection";
        public const string SkipProjectionEvent = "SkipProjectionEvent";
        public const string ReplayDeadLetter = "ReplayDeadLetter";
        public const string DiscardDeadLetter = "DiscardDeadLetter";
        public const string SetUserRoles = "SetUserRoles";
        public const string OpenIde = "OpenIde";
        public const string OpenConsole = "OpenConsole";
        public const string BuildArtifact = "BuildArtifact";
    }

    /// <param name="outcome"><c>accepted</c>, <c>rejected</c> or <c>conflict</c>, as for commands.</param>
    public async Task RecordAsync(CurrentUser user, string action, Guid? containerId, string? target, string outcome, string? reason)
    {
        // Not the request's token: the action happened (or was refused) whether or not its client is still there.
        await using var connection = await db.OpenConnectionAsync(CancellationToken.None);
        await InsertAuditEntry.ExecuteAsync(connection, null, new AuditEntry(Guid.CreateVersion7(), clock.GetUtcNow(), user.Id,
            user.ClientIp?.ToString(), action, containerId, outcome, reason, target), CancellationToken.None);
    }
}
