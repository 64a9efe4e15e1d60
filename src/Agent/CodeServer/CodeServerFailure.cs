namespace ZeroLagHub.Agent.CodeServer;

/// <summary>A refused or failed start, as a value: the reason, a message for the user, code-server's last output lines.</summary>
public sealed record CodeServerFailure(CodeServerRejection Reason, string Message, IReadOnlyList<string> Output)
{
    public int StatusCode => Reason is CodeServerRejection.NotInstalled or CodeServerRejection.NotProvisioned ? 409 : 500;
}
