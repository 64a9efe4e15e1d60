using System.CommandLine;
using ZeroLagHub.Cli.Shell;

namespace ZeroLagHub.Cli.Planned;

/// <summary>
/// Commands whose API endpoints are being built (live status over SSE). They are
/// listed in --help so the shape is discoverable, and exit 1 with a clear message until their
/// implementation replaces the hook here.
/// </summary>
public static class PlannedCommand
{
    public static Command Status() => Create("status", "Live status of your containers (--watch: from the SSE stream)", new Option<bool>("--watch"));

    private static Command Create(string name, string description, params Option[] options)
    {
        var rest = new Argument<string[]>("arguments") { Arity = ArgumentArity.ZeroOrMore, Hidden = true };
        var command = new Command(name, description + " (not available yet)") { rest };
        foreach (var option in options) command.Add(option);
        command.SetAction(_ =>
        {
            System.Console.Error.WriteLine($"zlh: '{name}' is not available yet: the API endpoint it needs is still being built (see docs/cli.md).");
            return ExitCodes.Failed;
        });
        return command;
    }
}
