namespace ZeroLagHub.Domain.Servers;

/// <summary>What makes a <see cref="ServerSpec"/> usable; checked before anything is stored.</summary>
public static class ServerSpecRules
{
    /// <summary>What to fix, or null when the spec is usable. <paramref name="serverRoot"/> bounds the working directory.</summary>
    public static string? Problem(ServerSpec spec, string serverRoot)
    {
        if (string.IsNullOrWhiteSpace(spec.Command) || spec.Command.Contains('\0'))
            return "server.command is required: the executable to run, e.g. 'java' or './start.sh'";
        if (spec.Args?.Any(a => a is null || a.Contains('\0')) == true)
            return "server.args must be strings without NUL characters";
        if (spec.GracefulTimeoutSeconds is < 1 or > 3600)
            return "server.gracefulTimeoutSeconds must be between 1 and 3600";
        if (spec.ReadyTimeoutSeconds is < 1 or > 86400)
            return "server.readyTimeoutSeconds must be between 1 and 86400";
        if (spec.StopCommand is { } stop && (stop.Length == 0 || stop.Any(char.IsControl)))
            return "server.stopCommand must be one line of text such as 'stop' (or null to stop with SIGTERM)";
        if (spec.ReadyLine is "") return "server.readyLine must not be empty (null: running as soon as started)";
        if (spec.WorkingDirectory is { } dir)
        {
            var root = Path.GetFullPath(serverRoot).TrimEnd('/');
            var full = Path.GetFullPath(Path.Combine(root, dir));
            if (full != root && !full.StartsWith(root + "/", StringComparison.Ordinal))
                return $"server.workingDirectory must be inside the server root {root}";
        }
        return null;
    }
}
