using System.CommandLine;
using ZeroLagHub.Cli.Shell;

namespace ZeroLagHub.Cli.Containers;

/// <summary><c>zlh rm &lt;container&gt;</c>: deletes the container (its history is kept for audit).</summary>
public static class RemoveCommand
{
    public static Command Create()
    {
        var container = new Argument<string>("container") { Description = ContainerResolver.Help };
        var command = new Command("rm", "Delete a container") { container };
        command.SetAction((parse, ct) => CliContext.RunAsync(parse, async cli =>
        {
            var id = await ContainerResolver.ResolveAsync(cli.Client, parse.GetRequiredValue(container), ct);
            if (id.Problem is { } notFound) return cli.Fail(notFound);
            return await CommandOutput.WriteAsync(cli, await cli.Client.DeleteContainerAsync(id.Value, ct), "Deleting", wait: false, ct);
        }));
        return command;
    }
}
