using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using ZeroLagHub.Cli.Api;
using ZeroLagHub.Cli.Shell;

namespace ZeroLagHub.Cli.Admin;

/// <summary>
/// <c>zlh admin deadletters [list] [--type T] [--limit N] [--after CURSOR]</c>, <c>… replay &lt;id&gt;</c> (delivered
/// again under the same id, attempts reset) and <c>… discard &lt;id&gt;</c>.
/// </summary>
public static class DeadLettersCommand
{
    /// <summary>What --json prints for replay and discard.</summary>
    public sealed record Done(Guid Id, string Action);

    public static Command Create()
    {
        var command = new Command("deadletters", "List (the default), replay or discard dead-lettered messages")
        {
            WithListing(new Command("list", "Dead letters, oldest failure first")),
            Act("replay", "Deliver it again under the same id", (client, id, ct) => client.ReplayDeadLetterAsync(id, ct), "replayed"),
            Act("discard", "Delete it for good", (client, id, ct) => client.DiscardDeadLetterAsync(id, ct), "discarded"),
        };
        return WithListing(command);
    }

    /// <summary>Listing options and action: both <c>deadletters</c> and <c>deadletters list</c> list (an option belongs to one command).</summary>
    private static Command WithListing(Command command)
    {
        var type = new Option<string?>("--type") { Description = "Only messages of this type" };
        var limit = new Option<int>("--limit") { Description = "At most this many (1–1000)", DefaultValueFactory = _ => 100 };
        var after = new Option<string?>("--after") { Description = "Page cursor: the 'more:' value printed by the previous page" };
        command.Add(type);
        command.Add(limit);
        command.Add(after);
        command.SetAction((parse, ct) => CliContext.RunAsync(parse, async cli =>
        {
            if (parse.GetValue(limit) is < 1 or > 1000) return CliContext.Usage("--limit must be between 1 and 1000");
            var result = await cli.Client.ListDeadLettersAsync(new DeadLetterQuery(parse.GetValue(type), parse.GetValue(after), parse.GetValue(limit)), ct);
            if (result.Problem is { } problem) return cli.Fail(problem);
            var page = result.Value!;
            if (cli.Json)
            {
                cli.WriteJson(page);
                return ExitCodes.Ok;
            }
            var table = new Table().Border(TableBorder.Simple).AddColumns("ID", "TYPE", "ATTEMPTS", "FAILED", "ERROR");
            foreach (var d in page.Items)
                table.AddRow(d.Id.ToString(), Markup.Escape(d.Type), d.Attempts.ToString(CultureInfo.InvariantCulture), TimeDisplay.Utc(d.FailedAt),
                    Markup.Escape(d.Error.Split('\n')[0].Trim()));
            cli.Out.Write(table);
            if (page.Next is { } next) cli.Out.WriteLine($"more: --after {next}");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Act(string name, string description, Func<ApiClient, Guid, CancellationToken, Task<ApiResult<bool>>> send, string done)
    {
        var id = new Argument<Guid>("id") { Description = "Dead letter id (zlh admin deadletters lists them)" };
        var command = new Command(name, description) { id };
        command.SetAction((parse, ct) => CliContext.RunAsync(parse, async cli =>
        {
            var letter = parse.GetValue(id);
            var result = await send(cli.Client, letter, ct);
            if (result.Problem is { } problem) return cli.Fail(problem);
            if (cli.Json) cli.WriteJson(new Done(letter, done));
            else cli.Out.WriteLine($"dead letter {letter} {done}");
            return ExitCodes.Ok;
        }));
        return command;
    }
}
