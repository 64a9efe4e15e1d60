using Spectre.Console;
using ZeroLagHub.Cli.Api;
using ZeroLagHub.Cli.Deployments;
using ZeroLagHub.Cli.Shell;

namespace ZeroLagHub.Cli.Containers;

/// <summary>
/// What every container command prints once the API accepted it: the ids (JSON or a line), and with
/// --wait the deployment it started, followed to its end (exit 1 unless it succeeded).
/// </summary>
public static class CommandOutput
{
    /// <summary>The accepted ids plus, after --wait, the finished deployment (JSON output).</summary>
    public sealed record Accepted(Guid CommandId, Guid ContainerId, Guid? DeploymentId, DeploymentInfo? Deployment);

    public static async Task<int> WriteAsync(CliContext cli, ApiResult<AcceptedCommand> result, string what, bool wait, CancellationToken ct)
    {
        if (result.Problem is { } problem) return cli.Fail(problem);
        var accepted = result.Value!;
        if (!cli.Json)
        {
            cli.Out.WriteLine($"{what}: container {accepted.ContainerId}" + (accepted.DeploymentId is { } d ? $", deployment {d}" : ""));
        }
        if (!wait || accepted.DeploymentId is not { } deploymentId)
        {
            if (cli.Json) cli.WriteJson(new Accepted(accepted.CommandId, accepted.ContainerId, accepted.DeploymentId, null));
            return ExitCodes.Ok;
        }

        var followed = await DeploymentFollower.FollowAsync(cli, deploymentId, ct);
        if (followed.Problem is { } lost) return cli.Fail(lost);
        var deployment = followed.Value!;
        if (cli.Json) cli.WriteJson(new Accepted(accepted.CommandId, accepted.ContainerId, deploymentId, deployment));
        else
        {
            if (deployment.Status != "succeeded") DeploymentView.WriteLogs(cli.Out, deployment);
            cli.Out.WriteLine(DeploymentView.Summary(deployment));
        }
        return deployment.Status == "succeeded" ? ExitCodes.Ok : ExitCodes.Failed;
    }
}
