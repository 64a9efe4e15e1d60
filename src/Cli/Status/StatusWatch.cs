using System.Text.Json;
using Spectre.Console;
using ZeroLagHub.Cli.Api;
using ZeroLagHub.Cli.Containers;
using ZeroLagHub.Cli.Shell;

namespace ZeroLagHub.Cli.Status;

/// <summary>
/// <c>zlh status --watch</c>: follows the status stream until Ctrl-C. In a terminal a live table; piped, a line per
/// change; with --json, each status document on a line of its own. A dropped stream is resumed from the last
/// event received, so no change is missed across a reconnect.
/// </summary>
public static class StatusWatch
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LongestRetry = TimeSpan.FromSeconds(10);

    public static async Task<int> RunAsync(CliContext cli, Guid? only, ContainerNames names, CancellationToken ct)
    {
        var statuses = new Dictionary<Guid, ContainerStatusInfo>();
        Action<IReadOnlyList<JsonElement>> show = cli.Json ? documents => { foreach (var d in documents) Console.Out.WriteLine(d.GetRawText()); }
            : documents => { foreach (var d in documents) cli.Out.WriteLine(StatusView.Line(StatusView.Parse(d), names, cli.Wide)); };

        if (cli.Json || !CliContext.IsTerminal) return await FollowAsync(cli, only, names, show, ct);

        var exit = ExitCodes.Ok;
        await cli.Out.Live(new Markup("waiting for the status stream…")).StartAsync(async live =>
            exit = await FollowAsync(cli, only, names, documents =>
            {
                foreach (var status in documents.Select(StatusView.Parse)) statuses[status.ContainerId] = status;
                live.UpdateTarget(StatusView.Table(statuses.Values.Where(s => s.State != "deleted"), names, cli.Wide));
                live.Refresh();
            }, ct));
        return exit;
    }

    private static async Task<int> FollowAsync(CliContext cli, Guid? only, ContainerNames names, Action<IReadOnlyList<JsonElement>> show,
        CancellationToken ct)
    {
        string? lastEventId = null;
        var retry = FirstRetry;
        while (!ct.IsCancellationRequested)
        {
            var result = await cli.Client.StreamStatusAsync(lastEventId, async e =>
            {
                var documents = e.Type switch
                {
                    "snapshot" => JsonDocument.Parse(e.Data).RootElement.EnumerateArray().ToList(),
                    "status" => [JsonDocument.Parse(e.Data).RootElement],
                    _ => [],
                };
                List<JsonElement> shown = [.. documents.Where(d => only is null || d.GetProperty("containerId").GetGuid() == only)];
                // A container created since the watch began is named too.
                await names.LearnAsync(shown.Select(d => d.GetProperty("containerId").GetGuid()), ct);
                show(shown);
                lastEventId = e.Id ?? lastEventId;
                retry = FirstRetry;
                return true;
            }, ct);
            if (ct.IsCancellationRequested) break;
            // The API said no (not logged in, not yours): retrying would not change that.
            if (result.Problem is { Status: >= 400 and < 500 } refused) return cli.Fail(refused);
            Console.Error.WriteLine($"zlh: {result.Problem}; reconnecting in {retry.TotalSeconds:0} s");
            try
            {
                await Task.Delay(retry, ct);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, LongestRetry.Ticks));
        }
        return ExitCodes.Ok;
    }
}
