using System.CommandLine;
using ZeroLagHub.Cli.Shell;

namespace ZeroLagHub.Cli.Containers;

/// <summary><c>zlh show &lt;container&gt;</c>: one container as the API folds it from its events; a deleted one is not found (exit 3).</summary>
public static class ShowCommand
{
    public static Command Create()
    {
        var container = new Argument<string>("container") { Description = ContainerResolver.Help };
        var command = new Command("show", "Show one container") { container };
        command.SetAction((parse, ct) => CliContext.RunAsync(parse, async cli =>
        {
            var id = await ContainerResolver.ResolveAsync(cli.Client, parse.GetRequiredValue(container), ct);
            if (id.Problem is { } notFound) return cli.Fail(notFound);
            var result = await cli.Client.GetContainerAsync(id.Value, ct);
            if (result.Problem is { } problem) return cli.Fail(problem);
            var c = result.Value!;
            // The API keeps a deleted container's stream (and answers 200) for its history; to a user it is gone.
            if (c.Lifecycle == "deleted")
                return cli.Fail(new Api.ApiProblem(404, "Not found", $"container {c.Id} was deleted; its history remains: zlh deploys --container {c.Id}"));
            if (cli.Json)
            {
                cli.WriteJson(c);
                return ExitCodes.Ok;
            }
            cli.Out.Write(ContainerGrid.Create(c));
            return ExitCodes.Ok;
        }));
        return command;
    }
}
