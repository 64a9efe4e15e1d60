namespace ZeroLagHub.Agent.Install;

/// <summary>
/// The last lines an install produced (the agent's own steps and any tool's stderr), so a failure
/// response and its journal entry show what happened without shipping the whole log.
/// </summary>
public sealed class InstallOutput
{
    public const int Keep = 50;
    private readonly Queue<string> _lines = new();
    private readonly Lock _gate = new();

    public void Add(string line)
    {
        lock (_gate)
        {
            _lines.Enqueue(line);
            while (_lines.Count > Keep) _lines.Dequeue();
        }
    }

    public IReadOnlyList<string> Tail() { lock (_gate) return [.. _lines]; }
}
