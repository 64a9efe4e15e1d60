namespace ZeroLagHub.Api.Auth;

/// <summary>
/// Lines for the person who started the API, written to stdout directly and never through the logger,
/// so that secrets shown once (the generated admin password) do not end up in log files or collectors.
/// </summary>
public sealed class OperatorConsole(TextWriter output)
{
    public void WriteLine(string line)
    {
        lock (output)
        {
            output.WriteLine(line);
            output.Flush();
        }
    }
}
