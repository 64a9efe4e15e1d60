namespace ZeroLagHub.Domain.Servers;

/// <summary>
/// What makes a <see cref="ServerSpec"/> usable, checked before anything is stored: by the control plane's
/// decision on a create (<see cref="Errors"/>, every entry point) and again by the agent before it provisions
/// (<see cref="Problem"/>). Every string is bounded and free of control characters (a NUL cannot be stored in
/// PostgreSQL's jsonb; a newline in a console line would type two commands).
/// </summary>
public static class ServerSpecRules
{
    public const int MaxCommandLength = 256;
    public const int MaxArgs = 64;
    public const int MaxArgLength = 1024;

    /// <summary>All arguments together: a whole create stays well inside the API's 64 KiB body limit.</summary>
    public const int MaxArgsTotalLength = 16 * 1024;
    public const int MaxPathLength = 256;
    public const int MaxLineLength = 256;
    public const int MinGracefulTimeoutSeconds = 1, MaxGracefulTimeoutSeconds = 3600;
    public const int MinReadyTimeoutSeconds = 1, MaxReadyTimeoutSeconds = 86400;

    /// <summary>Every problem of <paramref name="spec"/>, keyed by the request's JSON field path (<c>server.args[2]</c>); empty when usable.</summary>
    public static IReadOnlyList<(string Field, string Message)> Errors(ServerSpec spec)
    {
        var errors = new List<(string, string)>();
        if (string.IsNullOrWhiteSpace(spec.Command))
            errors.Add(("server.command", "server.command is required: the executable to run, e.g. 'java' or './start.sh'"));
        else if (Text(spec.Command, MaxCommandLength) is { } bad) errors.Add(("server.command", $"server.command {bad}"));

        if (spec.Args is { } args)
        {
            if (args.Count > MaxArgs) errors.Add(("server.args", $"server.args has {args.Count} arguments; at most {MaxArgs}"));
            else
            {
                for (var i = 0; i < args.Count; i++)
                {
                    if (args[i] is null) errors.Add(($"server.args[{i}]", "an argument must be a string, not null"));
                    else if (args[i].Length > 0 && Text(args[i], MaxArgLength) is { } why) errors.Add(($"server.args[{i}]", $"server.args[{i}] {why}"));
                }
                if (args.Sum(a => a?.Length ?? 0) is var total and > MaxArgsTotalLength)
                    errors.Add(("server.args", $"server.args are {total} characters together; at most {MaxArgsTotalLength}"));
            }
        }

        if (spec.WorkingDirectory is { } dir && WorkingDirectoryProblem(dir) is { } where)
            errors.Add(("server.workingDirectory", where));
        if (spec.StopCommand is { } stop && Line(stop) is { } stopWhy)
            errors.Add(("server.stopCommand", $"server.stopCommand {stopWhy}; e.g. 'stop' (or null: stop with SIGTERM)"));
        if (spec.ReadyLine is { } ready && Line(ready) is { } readyWhy)
            errors.Add(("server.readyLine", $"server.readyLine {readyWhy} (or null: running as soon as started)"));
        if (spec.GracefulTimeoutSeconds is < MinGracefulTimeoutSeconds or > MaxGracefulTimeoutSeconds)
            errors.Add(("server.gracefulTimeoutSeconds",
                $"server.gracefulTimeoutSeconds must be between {MinGracefulTimeoutSeconds} and {MaxGracefulTimeoutSeconds}"));
        if (spec.ReadyTimeoutSeconds is < MinReadyTimeoutSeconds or > MaxReadyTimeoutSeconds)
            errors.Add(("server.readyTimeoutSeconds",
                $"server.readyTimeoutSeconds must be between {MinReadyTimeoutSeconds} and {MaxReadyTimeoutSeconds}"));
        return errors;
    }

    /// <summary>
    /// What to fix, or null when the spec is usable: the first of <see cref="Errors"/>, then, on the agent,
    /// whether the working directory resolves inside <paramref name="serverRoot"/>. The message never
    /// names the root: it is a path of the host, not the user's business.
    /// </summary>
    public static string? Problem(ServerSpec spec, string serverRoot)
    {
        if (Errors(spec) is [var first, ..]) return first.Message;
        if (spec.WorkingDirectory is { } dir)
        {
            var root = Path.GetFullPath(serverRoot).TrimEnd('/');
            var full = Path.GetFullPath(Path.Combine(root, dir));
            if (full != root && !full.StartsWith(root + "/", StringComparison.Ordinal))
                return "server.workingDirectory must be a directory inside the server's files";
        }
        return null;
    }

    /// <summary>
    /// A relative path that stays inside the server's root however its segments resolve: lexically, as the
    /// domain has no file system (the agent checks again against the real root).
    /// </summary>
    private static string? WorkingDirectoryProblem(string dir)
    {
        const string Expected = "server.workingDirectory must be a relative path inside the server's files, e.g. 'world' or 'server/bin'";
        if (dir.Length == 0 || Text(dir, MaxPathLength) is not null) return $"{Expected} (1 to {MaxPathLength} characters, no control characters)";
        if (dir.StartsWith('/') || dir.Contains('\\')) return Expected;
        var depth = 0;
        foreach (var segment in dir.Split('/'))
        {
            if (segment == "..") depth--;
            else if (segment is not ("" or ".")) depth++;
            if (depth < 0) return Expected;
        }
        return null;
    }

    private static string? Line(string line) =>
        line.Length == 0 ? "must not be empty" : Text(line, MaxLineLength);

    /// <summary>Why <paramref name="text"/> is not a bounded line of text; null when it is.</summary>
    internal static string? Text(string text, int max) =>
        text.Length > max ? $"is {text.Length} characters long; at most {max}"
        : text.Contains('\0') ? "contains a NUL character (\\u0000)"
        : text.Any(char.IsControl) ? "contains a control character (a newline, tab, …)"
        : null;
}
