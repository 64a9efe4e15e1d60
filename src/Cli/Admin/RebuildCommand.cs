using System.CommandLine;
using Spectre.Console;
using ZeroLagHub.Cli.Api;
using ZeroLagHub.Cli.Shell;

namespace ZeroLagHub.Cli.Admin;

/// <summary>
/// <c>zlh admin rebuild &lt;projection&gt; [--no-wait]</c>: builds a new generation beside the live one, which
/// readers keep using until the new one has caught up and is swapped in. Follows it to that point; exit 1
/// if it faults.
/// </summary>
public static class RebuildCommand
{
    /// <summary>What --json prints: the generation started and, unless --no-wait, the projection once it ended.</summary>
    public sealed record Outcome(string Projection, int Generation, ProjectionStatus? Status);

    public static Command Create()
    {
        var projection = new Argument<string>("projection") { Description = "Projection name (zlh admin projections lists them)" };
        var noWait = new Option<bool>("--no-wait") { Description = "Start it and return; zlh admin projections shows its progress" };
        var command = new Command("rebuild", "Rebuild a projection without downtime, with progress") { projection, noWait };
        command.SetAction((parse, ct) => CliContext.RunAsync(parse, async cli =>
        {
            var result = await cli.Client.RebuildProjectionAsync(parse.GetRequiredValue(projection), ct);
            if (result.Problem is { } problem) return cli.Fail(problem);
            var started = result.Value!;
            if (parse.GetValue(noWait))
            {
                if (cli.Json) cli.WriteJson(new Outcome(started.Projection, started.Generation, null));
                else cli.Out.WriteLine($"rebuilding {started.Projection} as generation {started.Generation}");
                return ExitCodes.Ok;
            }

            var followed = await RebuildFollower.FollowAsync(cli, started, ct);
            if (followed.Problem is { } lost) return cli.Fail(lost);
            var status = followed.Value!;
            var live = RebuildFollower.IsLive(status, started);
            if (cli.Json) cli.WriteJson(new Outcome(started.Projection, started.Generation, status));
            else cli.Out.WriteLine(live
                ? $"{started.Projection}: generation {status.Generation} is live"
                : status.Rebuild?.Fault is { } fault
                    ? $"{started.Projection}: generation {started.Generation} faulted at {ProjectionText.Fault(fault)}"
                    : $"{started.Projection}: generation {started.Generation} is no longer being built (live: {status.Generation})");
            return live ? ExitCodes.Ok : ExitCodes.Failed;
        }));
        return command;
    }
}
