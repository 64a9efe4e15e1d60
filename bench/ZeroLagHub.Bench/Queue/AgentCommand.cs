using System.Diagnostics;

namespace ZeroLagHub.Bench.Queue;

/// <summary>
/// Shaped like one of the API's agent commands (a container, the command's own id, a few words of
/// reason). <see cref="SentAt"/> is the <see cref="Stopwatch"/> timestamp of the send, for sent → handled
/// in the same process.
/// </summary>
public sealed record AgentCommand(Guid ContainerId, Guid CommandId, string Action, string Reason, long SentAt)
{
    public static AgentCommand New() =>
        new(Guid.NewGuid(), Guid.CreateVersion7(), "start", "user request via portal", Stopwatch.GetTimestamp());
}

/// <summary>The agent side stubbed out: the handler only records that the command completed.</summary>
public sealed class AgentCommandHandler(QueueCompletions completions)
{
    public void Handle(AgentCommand command) => completions.Record(command.SentAt);
}
