using System.CommandLine;
using ZeroLagHub.Cli.Shell;

namespace ZeroLagHub.Cli.Containers;

/// <summary>
/// The container commands that are one POST under <c>/api/servers/{id}/</c>: <c>zlh start|stop|reprovision</c>
/// for the container, <c>zlh server start|stop|restart|kill</c> for a game server's process,
/// <c>zlh code-server start|stop|restart</c> for a dev container's IDE.
/// </summary>
public static class ActionCommand
{
    public static Command Start() => Create("start", "start", "Start a stopped container");

    public static Command Stop() => Create("stop", "stop", "Stop a container (its files are kept)");

    public static Command Reprovision() => Create("reprovision", "reprovision", "Run the deployment again (install runtime and addons)", startsDeployment: true);

    public static Command Server() => new("server", "A game server's process")
    {
        Create("start", "server/start", "Start the server process"),
        Create("stop", "server/stop", "Stop it gracefully (stop command, then SIGTERM, then SIGKILL)"),
        Create("restart", "server/restart", "Stop, then start it"),
        Create("kill", "server/kill", "Kill it at once (SIGKILL)"),
    };

    public static Command CodeServer() => new("code-server", "A dev container's browser IDE")
    {
        Create("start", "code-server/start", "Start code-server"),
        Create("stop", "code-server/stop", "Stop code-server"),
        Create("restart", "code-server/restart", "Restart code-server"),
    };

    private static Command Create(string name, string route, string description, bool startsDeployment = false)
    {
        var container = new Argument<string>("container") { Description = ContainerResolver.Help };
        var command = new Command(name, description) { container };
        var wait = new Option<bool>("--wait", "-w") { Description = "Follow the deployment until it ends (exit 1 if it failed)" };
        if (startsDeployment) command.Add(wait);
        command.SetAction((parse, ct) => CliContext.RunAsync(parse, async cli =>
        {
            var id = await ContainerResolver.ResolveAsync(cli.Client, parse.GetRequiredValue(container), ct);
            if (id.Problem is { } notFound) return cli.Fail(notFound);
            var result = await cli.Client.SendCommandAsync(id.Value, route, ct);
            return await CommandOutput.WriteAsync(cli, result, $"{route} accepted", startsDeployment && parse.GetValue(wait), ct);
        }));
        return command;
    }
}
