namespace ZeroLagHub.Api.Tests.Proxmox.Fake;

/// <summary>A task in the fake: running until polled <see cref="PollsUntilDone"/> times, then stopped with <see cref="ExitStatus"/>.</summary>
public sealed class FakeTask(string upid, string node, string type, int pollsUntilDone, string exitStatus, IReadOnlyList<string> log, Action? onDone)
{
    private int _polls;
    private bool _done;

    public string Upid { get; } = upid;
    public string Node { get; } = node;
    public string Type { get; } = type;
    public string ExitStatus { get; } = exitStatus;
    public IReadOnlyList<string> Log { get; } = log;
    public int Polls => _polls;

    /// <summary>Counts a status poll and says whether the task has stopped; the completion runs once.</summary>
    public bool Poll()
    {
        lock (this)
        {
            _polls++;
            if (_done) return true;
            if (_polls <= pollsUntilDone) return false;
            _done = true;
            if (ExitStatus == "OK" || ExitStatus.StartsWith("WARNINGS", StringComparison.Ordinal)) onDone?.Invoke();
            return true;
        }
    }
}
