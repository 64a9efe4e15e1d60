using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using ZeroLagHub.Cli.Api;
using ZeroLagHub.Cli.Shell;

namespace ZeroLagHub.Cli.Admin;

/// <summary><c>zlh admin projections</c>: each projection's state, live generation, lag, and what holds it back or stopped it.</summary>
public static class ProjectionsCommand
{
    public static Command Create()
    {
        var command = new Command("projections", "Projection status: position, lag, what holds it back");
        command.SetAction((parse, ct) => CliContext.RunAsync(parse, async cli =>
        {
            var result = await cli.Client.ListProjectionsAsync(ct);
            if (result.Problem is { } problem) return cli.Fail(problem);
            if (cli.Json)
            {
                cli.WriteJson(result.Value);
                return ExitCodes.Ok;
            }
            var table = new Table().Border(TableBorder.Simple)
                .AddColumns("NAME", "STATE", "GENERATION", "EVENTS BEHIND", "SECONDS BEHIND", "HELD BACK BY", "FAULT");
            foreach (var p in result.Value!)
                table.AddRow(Markup.Escape(p.Name), Markup.Escape(State(p)), p.Generation.ToString(CultureInfo.InvariantCulture),
                    p.EventsBehind.ToString(CultureInfo.InvariantCulture), TimeDisplay.Seconds(p.SecondsBehind), Markup.Escape(HeldBack(p.HeldBackBy)),
                    Markup.Escape(ProjectionText.Fault(p.Fault ?? p.Rebuild?.Fault)));
            cli.Out.Write(table);
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static string State(ProjectionStatus p) =>
        p.Rebuild is { } r ? $"{p.State} (generation {r.Generation}: {r.Done}/{r.Total})" : p.State;

    private static string HeldBack(HeldBackBy? held) => held is null
        ? ""
        : $"pid {held.Pid} ({held.User}@{held.Database}, {held.State}, transaction open {TimeDisplay.Seconds(held.TransactionAgeSeconds)})";
}
