namespace ZeroLagHub.Projections.Marten;

/// <summary>The names of the headers every appended event carries (Marten's <c>headers</c> column).</summary>
public static class EventHeaders
{
    /// <summary>The caller's address as the API saw it.</summary>
    public const string ClientIp = "client_ip";

    /// <summary>The command (its <c>CommandId</c>) or message that caused the append.</summary>
    public const string CommandId = "command_id";
}
