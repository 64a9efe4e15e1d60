using System.CommandLine;
using Spectre.Console;
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
            var grid = new Grid().AddColumn().AddColumn();
            void Row(string name, object? value) { if (value is not null and not "") grid.AddRow(name, Markup.Escape(value.ToString()!)); }
            Row("id", c.Id);
            Row("name", c.Name);
            Row("kind", c.Kind);
            Row("state", c.Lifecycle);
            Row("error", c.Error);
            Row("runtime", c.Runtime is null ? null : $"{c.Runtime} {c.RuntimeVersion}");
            Row("addons", c.Spec is { Addons.Count: > 0 } spec ? string.Join(", ", spec.Addons) : null);
            Row("code-server", c.Kind == "dev" ? (c.CodeServerRunning ? "running" : "stopped") : null);
            Row("server", c.Kind == "game" ? $"{c.Server} (crashes in a row {c.ConsecutiveCrashes}, restarts {c.RestartCount})" : null);
            Row("host", c.Host is null ? null : $"{c.Host}, vmid {c.Vmid}, address {c.Address}");
            Row("deployment", c.CurrentDeploymentId);
            Row("created", c.CreatedAt?.ToString("u"));
            cli.Out.Write(grid);
            return ExitCodes.Ok;
        }));
        return command;
    }
}
