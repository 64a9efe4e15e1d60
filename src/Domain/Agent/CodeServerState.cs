namespace ZeroLagHub.Domain.Agent;

/// <summary>The answer of <c>POST /dev/codeserver/start|stop|restart</c>.</summary>
/// <param name="Outcome"><c>started</c>, <c>already running</c>, <c>stopped</c>, <c>not running</c>.</param>
/// <param name="Pid">The running code-server, if any (decided from <c>/proc/*/cmdline</c>).</param>
/// <param name="Socket">The Unix socket code-server listens on (it has no TCP port), inside the container.</param>
/// <param name="LastExit">How the last code-server the agent started ended without being asked to, if it did.</param>
public sealed record CodeServerState(string Outcome, bool Running, int? Pid, string Socket, CodeServerExit? LastExit);

/// <summary>A code-server that died: reported, never restarted in a loop.</summary>
/// <param name="Output">Its last lines of output.</param>
public sealed record CodeServerExit(DateTimeOffset At, int? ExitCode, IReadOnlyList<string> Output);
