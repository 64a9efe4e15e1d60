using System.CommandLine;
using ZeroLagHub.Cli.Containers;
using ZeroLagHub.Cli.Shell;

// Not ZeroLagHub.Cli.Console: a namespace of that name would hide System.Console from every other
// ZeroLagHub.Cli.* namespace (their Console.Error would then name it).
namespace ZeroLagHub.Cli.Consoles;

/// <summary>
/// <c>zlh console &lt;container&gt; [--shell|--server] [--detach-key K]</c>: an interactive terminal on the
/// container's shell or its game server's console, through <c>GET /api/servers/{id}/console</c> (a WebSocket).
/// In a terminal: raw mode, resizes passed on (SIGWINCH), Ctrl-] detaches. Piped: stdin is sent as it is and
/// its end ends the console. A lost connection is re-established (<see cref="ConsoleSession"/>).
/// </summary>
public static class ConsoleCommand
{
    public static Command Create()
    {
        var container = new Argument<string>("container") { Description = ContainerResolver.Help };
        var shell = new Option<bool>("--shell") { Description = "The container's shell (the default for dev containers)" };
        var server = new Option<bool>("--server") { Description = "The game server's console: its input and output (the default for game servers)" };
        var detachKey = new Option<string>("--detach-key") { Description = DetachKey.Help, DefaultValueFactory = _ => DetachKey.Default };
        var command = new Command("console", "Interactive terminal on a container: its shell or its game server's console (Ctrl-] detaches)")
        {
            container, shell, server, detachKey,
        };
        command.SetAction((parse, ct) => CliContext.RunAsync(parse, async cli =>
        {
            if (cli.Json) return CliContext.Usage("console is interactive and has no JSON output: drop --json");
            if (parse.GetValue(shell) && parse.GetValue(server)) return CliContext.Usage("--shell and --server: choose one console");
            if (!DetachKey.TryParse(parse.GetRequiredValue(detachKey), out var key))
                return CliContext.Usage($"--detach-key takes ctrl-<letter>, ctrl-], ctrl-\\, ctrl-^, ctrl-_ or none (got '{parse.GetValue(detachKey)}')");

            var reference = parse.GetRequiredValue(container);
            var id = await ContainerResolver.ResolveAsync(cli.Client, reference, ct);
            if (id.Problem is { } notFound) return cli.Fail(notFound);
            var found = await cli.Client.GetContainerAsync(id.Value, ct);
            if (found.Problem is { } problem) return cli.Fail(problem);

            var kind = parse.GetValue(server) || (!parse.GetValue(shell) && found.Value!.Kind == "game") ? "server" : "shell";
            var target = new ConsoleTarget(id.Value, found.Value!.Name ?? reference, kind);
            return await new ConsoleSession(cli, target, key).RunAsync(ct);
        }));
        return command;
    }
}
