namespace ZeroLagHub.Api.Hosts;

/// <summary>
/// Lines a host writes while it works on one deployment stage (task ids, task log tails). Only the
/// last <see cref="Capacity"/> lines are kept: they become the stage's log tail in the deployment history.
/// </summary>
public sealed class StageLog(int capacity = 100)
{
    private readonly Queue<string> _lines = new();

    public int Capacity { get; } = capacity;

    public void Write(string line)
    {
        lock (_lines)
        {
            _lines.Enqueue(line);
            while (_lines.Count > Capacity) _lines.Dequeue();
        }
    }

    public IReadOnlyList<string> Tail()
    {
        lock (_lines) return [.. _lines];
    }
}
