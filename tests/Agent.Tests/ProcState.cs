namespace ZeroLagHub.Agent.Tests;

/// <summary>What <c>/proc</c> says of a process the test started.</summary>
internal static class ProcState
{
    /// <summary>
    /// Whether <paramref name="pid"/> runs: it has a <c>/proc</c> entry that is not a zombie's. A process reaped between
    /// looking and reading is gone, not an error (CI caught "No such process" on that read).
    /// </summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            return !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }
}
