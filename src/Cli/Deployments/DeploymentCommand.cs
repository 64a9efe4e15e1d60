using Spectre.Console;
using System.CommandLine;
using ZeroLagHub.Cli.Containers;
using ZeroLagHub.Cli.Shell;

namespace ZeroLagHub.Cli.Deployments;

/// <summary>
/// <c>zlh deploy &lt;deployment&gt; [--watch]</c>: one deployment's stages with durations, errors and log tails. The
/// deployment is its id, a unique prefix of it, or a container for its latest (<see cref="DeploymentResolver"/>).
/// </summary>
public static class DeploymentCommand
{
    public static Command Create()
    {
        var id = new Argument<string>("deployment") { Description = DeploymentResolver.Help };
        var watch = new Option<bool>("--watch", "-w") { Description = "Follow it live until it ends (exit 1 if it failed)" };
        var command = new Command("deploy", "Show one deployment's stages and logs") { id, watch };
        command.SetAction((parse, ct) => CliContext.RunAsync(parse, async cli =>
        {
            var resolved = await DeploymentResolver.ResolveAsync(cli.Client, parse.GetRequiredValue(id), ct);
            if (resolved.Problem is { } unknown) return cli.Fail(unknown);
            var deploymentId = resolved.Value;
            var result = parse.GetValue(watch)
                ? await DeploymentFollower.FollowAsync(cli, deploymentId, ct)
                : await cli.Client.GetDeploymentAsync(deploymentId, ct);
            if (result.Problem is { } problem) return cli.Fail(problem);

            var deployment = result.Value!;
            if (cli.Json) cli.WriteJson(deployment);
            else
            {
                // Following already left the final table on screen in a terminal; piped output has only the stage lines.
                var names = await ContainerNames.LoadAsync(cli.Client, ct);
                var container = names.Value?.Of(deployment.ContainerId) ?? deployment.ContainerId.ToString();
                cli.Out.WriteLine($"{deployment.Kind.ToLowerInvariant()} deployment of {container}"
                    + (cli.Wide && container != deployment.ContainerId.ToString() ? $" ({deployment.ContainerId})" : ""));
                if (!parse.GetValue(watch) || !CliContext.IsTerminal) cli.Out.Write(DeploymentView.StageTable(deployment));
                DeploymentView.WriteLogs(cli.Out, deployment);
                cli.Out.WriteLine(DeploymentView.Summary(deployment));
            }
            return parse.GetValue(watch) && deployment.Status != "succeeded" ? ExitCodes.Failed : ExitCodes.Ok;
        }));
        return command;
    }
}
