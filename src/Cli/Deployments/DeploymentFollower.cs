using System.Diagnostics;
using Spectre.Console;
using ZeroLagHub.Cli.Api;
using ZeroLagHub.Cli.Shell;

namespace ZeroLagHub.Cli.Deployments;

/// <summary>
/// Follows one deployment until it ends by polling <c>GET /api/deployments/{id}</c> every 500 ms: a live
/// stage table in a terminal, one line per stage change when piped, nothing but the result with --json.
/// </summary>
public static class DeploymentFollower
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// The history is a projection about a second behind the events, so a deployment that was just
    /// accepted is not there yet: a 404 counts as "queued" for this long.
    /// </summary>
    private static readonly TimeSpan NotYetProjected = TimeSpan.FromSeconds(15);

    public static async Task<ApiResult<DeploymentInfo>> FollowAsync(CliContext cli, Guid id, CancellationToken ct)
    {
        if (cli.Json) return await PollAsync(cli.Client, id, _ => { }, ct);
        if (!CliContext.IsTerminal) return await PollAsync(cli.Client, id, new StageLines(cli.Out).Write, ct);

        var table = new Table().Border(TableBorder.None).AddColumn($"deployment {id}: waiting for the first stage…");
        ApiResult<DeploymentInfo> result = null!;
        await cli.Out.Live(table).AutoClear(true).StartAsync(async live =>
            result = await PollAsync(cli.Client, id, deployment =>
            {
                live.UpdateTarget(DeploymentView.StageTable(deployment));
                live.Refresh();
            }, ct));
        if (result.Value is { } finished) cli.Out.Write(DeploymentView.StageTable(finished));
        return result;
    }

    private static async Task<ApiResult<DeploymentInfo>> PollAsync(ApiClient client, Guid id, Action<DeploymentInfo> show, CancellationToken ct)
    {
        var waiting = Stopwatch.StartNew();
        while (true)
        {
            var result = await client.GetDeploymentAsync(id, ct);
            if (result.Value is { } deployment)
            {
                show(deployment);
                if (deployment.Finished) return result;
            }
            else if (result.Problem is not { Status: 404 } || waiting.Elapsed > NotYetProjected) return result;
            await Task.Delay(PollInterval, ct);
        }
    }

    /// <summary>Plain output: a line each time a stage changes status, so a log shows the progress in order.</summary>
    private sealed class StageLines(IAnsiConsole console)
    {
        private readonly Dictionary<string, string> _shown = [];

        public void Write(DeploymentInfo deployment)
        {
            foreach (var stage in deployment.Stages.Where(s => s.Status != "pending"))
            {
                if (_shown.GetValueOrDefault(stage.Name) == stage.Status) continue;
                _shown[stage.Name] = stage.Status;
                var duration = stage.DurationSeconds is { } seconds ? $" ({TimeDisplay.Seconds(seconds)})" : "";
                console.WriteLine($"{stage.Name} {stage.Status}{duration}");
            }
        }
    }
}
