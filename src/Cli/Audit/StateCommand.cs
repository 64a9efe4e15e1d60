using System.CommandLine;
using Spectre.Console;
using ZeroLagHub.Cli.Containers;
using ZeroLagHub.Cli.Shell;

namespace ZeroLagHub.Cli.Audit;

/// <summary>
/// <c>zlh audit state &lt;container&gt; (--at TIME | --version N)</c>: the container as its events folded up
/// to that point, the state anyone looking at it then would have seen.
/// </summary>
public static class StateCommand
{
    public static Command Create()
    {
        var container = new Argument<string>("container") { Description = AuditCommand.ContainerHelp };
        var at = new Option<string?>("--at") { Description = "As of this time: ISO 8601, or an age such as 30m, 2h, 7d" };
        var version = new Option<long?>("--version") { Description = "As of this version of its stream (1 is its first event)" };
        var command = new Command("state", "The container's state as of a time or a version") { container, at, version };
        command.SetAction((parse, ct) => CliContext.RunAsync(parse, async cli =>
        {
            if (TimeArgument.Read(parse, at, DateTimeOffset.UtcNow, out var asOf) is { } badTime) return CliContext.Usage(badTime);
            var upTo = parse.GetValue(version);
            if (asOf.HasValue == upTo.HasValue) return CliContext.Usage("give --at TIME or --version N (one of the two)");
            if (upTo < 1) return CliContext.Usage("--version must be 1 or more");
            var id = await ContainerResolver.ResolveAsync(cli.Client, parse.GetRequiredValue(container), ct, includeDeleted: true);
            if (id.Problem is { } notFound) return cli.Fail(notFound);
            var result = await cli.Client.GetAuditStateAsync(id.Value, asOf, upTo, ct);
            if (result.Problem is { } problem) return cli.Fail(problem);

            var state = result.Value!;
            if (cli.Json)
            {
                cli.WriteJson(state);
                return ExitCodes.Ok;
            }
            cli.Out.WriteLine(state.AsOf is { } time
                ? $"container {state.ContainerId} as of {TimeDisplay.Utc(time)}: version {state.Version}"
                : $"container {state.ContainerId} at version {state.Version}");
            cli.Out.Write(ContainerGrid.Create(state.State));
            return ExitCodes.Ok;
        }));
        return command;
    }
}
