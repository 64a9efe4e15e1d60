using Spectre.Console;
using ZeroLagHub.Cli.Api;
using ZeroLagHub.Cli.Shell;

namespace ZeroLagHub.Cli.Admin;

/// <summary>
/// Follows a projection rebuild by polling <c>GET /api/admin/projections/{name}</c> every 500 ms until it
/// ends: a progress bar in a terminal, a line per change when piped, nothing but the result with --json.
/// It ends when the generation is live (or a later one is), when it faults, or when it is no longer built.
/// </summary>
public static class RebuildFollower
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    public static async Task<ApiResult<ProjectionStatus>> FollowAsync(CliContext cli, RebuildStarted started, CancellationToken ct)
    {
        if (cli.Json) return await PollAsync(cli.Client, started, _ => { }, ct);
        if (!CliContext.IsTerminal) return await PollAsync(cli.Client, started, new ProgressLines(cli.Out).Write, ct);

        ApiResult<ProjectionStatus> result = null!;
        await cli.Out.Progress().AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn())
            .StartAsync(async progress =>
            {
                var task = progress.AddTask(Markup.Escape($"{started.Projection} generation {started.Generation}"), maxValue: 1);
                result = await PollAsync(cli.Client, started, status =>
                {
                    if (status.Rebuild is { } r && r.Generation == started.Generation)
                    {
                        task.MaxValue = Math.Max(1, r.Total);
                        task.Value = r.Done;
                        task.Description = Markup.Escape($"{started.Projection} generation {r.Generation}: {ProjectionText.Progress(r)}");
                    }
                    else if (status.Generation >= started.Generation) task.Value = task.MaxValue;
                    progress.Refresh();
                }, ct);
            });
        return result;
    }

    public static bool IsLive(ProjectionStatus status, RebuildStarted started) => status.Generation >= started.Generation;

    private static async Task<ApiResult<ProjectionStatus>> PollAsync(ApiClient client, RebuildStarted started, Action<ProjectionStatus> show,
        CancellationToken ct)
    {
        while (true)
        {
            var result = await client.GetProjectionAsync(started.Projection, ct);
            if (result.Value is not { } status) return result;
            show(status);
            if (IsLive(status, started) || status.Rebuild is null or { Fault: not null }) return result;
            await Task.Delay(PollInterval, ct);
        }
    }

    /// <summary>Plain output: a line when the progress changed, so a log shows it in order.</summary>
    private sealed class ProgressLines(IAnsiConsole console)
    {
        private string? _shown;

        public void Write(ProjectionStatus status)
        {
            if (status.Rebuild is not { } r) return;
            var line = $"{status.Name} generation {r.Generation}: {ProjectionText.Progress(r)}";
            if (line == _shown) return;
            _shown = line;
            console.WriteLine(line);
        }
    }
}
