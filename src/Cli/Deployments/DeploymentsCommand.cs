using System.CommandLine;
using Spectre.Console;
using ZeroLagHub.Cli.Api;
using ZeroLagHub.Cli.Containers;
using ZeroLagHub.Cli.Shell;

namespace ZeroLagHub.Cli.Deployments;

/// <summary><c>zlh deploys [--container --state --since --until --user --limit --before]</c>: the deployment history, newest first.</summary>
public static class DeploymentsCommand
{
    private static readonly string[] States = ["queued", "running", "succeeded", "failed", "cancelled"];

    public static Command Create()
    {
        var container = new Option<string?>("--container", "-c") { Description = ContainerResolver.Help };
        var state = new Option<string?>("--state") { Description = string.Join(" | ", States) };
        state.AcceptOnlyFromAmong(States);
        var since = new Option<string?>("--since") { Description = "Queued at or after: ISO time or an age (30m, 2h, 7d)" };
        var until = new Option<string?>("--until") { Description = "Queued before: ISO time or an age" };
        var before = new Option<string?>("--before") { Description = "Page cursor: the queued time printed as 'next' by the previous page" };
        var user = new Option<string?>("--user") { Description = "Requested by this user (name or id)" };
        var limit = new Option<int>("--limit") { Description = "At most this many (1–500)", DefaultValueFactory = _ => 20 };
        var command = new Command("deploys", "List deployments, newest first") { container, state, since, until, before, user, limit };
        command.SetAction((parse, ct) => CliContext.RunAsync(parse, async cli =>
        {
            var now = DateTimeOffset.UtcNow;
            if (TimeArgument.Read(parse, since, now, out var from) is { } badSince) return CliContext.Usage(badSince);
            if (TimeArgument.Read(parse, until, now, out var to) is { } badUntil) return CliContext.Usage(badUntil);
            if (TimeArgument.Read(parse, before, now, out var cursor) is { } badBefore) return CliContext.Usage(badBefore);
            if (parse.GetValue(limit) is < 1 or > 500) return CliContext.Usage("--limit must be between 1 and 500");

            Guid? containerId = null;
            if (parse.GetValue(container) is { } reference)
            {
                var resolved = await ContainerResolver.ResolveAsync(cli.Client, reference, ct);
                if (resolved.Problem is { } notFound) return cli.Fail(notFound);
                containerId = resolved.Value;
            }
            var result = await cli.Client.ListDeploymentsAsync(
                new DeploymentQuery(containerId, parse.GetValue(user), parse.GetValue(state), from, to, cursor, parse.GetValue(limit)), ct);
            if (result.Problem is { } problem) return cli.Fail(problem);

            var page = result.Value!;
            if (cli.Json)
            {
                cli.WriteJson(page);
                return ExitCodes.Ok;
            }
            var names = await ContainerNames.LoadAsync(cli.Client, ct);
            if (names.Problem is { } noNames) return cli.Fail(noNames);
            var table = new Table().Border(TableBorder.Simple).AddColumns("ID", "CONTAINER");
            if (cli.Wide) table.AddColumns("CONTAINER ID", "REQUESTED BY");
            table.AddColumns("KIND", "STATUS", "QUEUED", "DURATION", "FAILED STAGE");
            foreach (var d in page.Items)
            {
                List<string> row = [d.Id.ToString(), Markup.Escape(names.Value!.Of(d.ContainerId))];
                if (cli.Wide) row.AddRange([d.ContainerId.ToString(), Markup.Escape(page.RequesterOf(d))]);
                row.AddRange([d.Kind.ToLowerInvariant(), d.Status, TimeDisplay.Utc(d.QueuedAt), DeploymentView.Duration(d.DurationSeconds, null, null),
                    d.FailedStage ?? ""]);
                table.AddRow([.. row]);
            }
            cli.Out.Write(table);
            if (page.Next is { } next) cli.Out.WriteLine($"more: --before {next:O}");
            return ExitCodes.Ok;
        }));
        return command;
    }
}
