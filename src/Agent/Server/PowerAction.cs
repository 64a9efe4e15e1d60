namespace ZeroLagHub.Agent.Server;

/// <summary><c>POST /server/{action}</c>. Kill bypasses the power lock: it must work while a stop hangs.</summary>
public enum PowerAction
{
    Start,
    Stop,
    Restart,
    Kill,
}
