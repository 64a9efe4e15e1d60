using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using ZeroLagHub.Cli.Api;
using ZeroLagHub.Cli.Containers;
using ZeroLagHub.Cli.Shell;

namespace ZeroLagHub.Cli.Audit;

/// <summary>
/// <c>zlh audit events &lt;container&gt; [--from-version N] [--limit N] [--all]</c>: the container's events in
/// version order, who caused each (the account's name; <c>-o wide</c> adds its id), and the start of its chain hash.
/// </summary>
public static class EventsCommand
{
    /// <summary>Hex digits of the hash shown in the table: enough to compare by eye; --json has all 64.</summary>
    private const int ShortHash = 12;

    public static Command Create()
    {
        var container = new Argument<string>("container") { Description = AuditCommand.ContainerHelp };
        var fromVersion = new Option<long>("--from-version") { Description = "First version to list (1 is the first event)", DefaultValueFactory = _ => 1 };
        var limit = new Option<int>("--limit") { Description = "Events per page (1–1000)", DefaultValueFactory = _ => 100 };
        var all = new Option<bool>("--all", "-a") { Description = "Every page up to the head, not just the first" };
        var command = new Command("events", "The container's events, in order") { container, fromVersion, limit, all };
        command.SetAction((parse, ct) => CliContext.RunAsync(parse, async cli =>
        {
            if (parse.GetValue(fromVersion) < 1) return CliContext.Usage("--from-version must be 1 or more");
            if (parse.GetValue(limit) is < 1 or > 1000) return CliContext.Usage("--limit must be between 1 and 1000");
            var id = await ContainerResolver.ResolveAsync(cli.Client, parse.GetRequiredValue(container), ct, includeDeleted: true);
            if (id.Problem is { } notFound) return cli.Fail(notFound);
            var result = await ReadAsync(cli.Client, id.Value, parse.GetValue(fromVersion), parse.GetValue(limit), parse.GetValue(all), ct);
            if (result.Problem is { } problem) return cli.Fail(problem);

            var page = result.Value!;
            if (cli.Json)
            {
                cli.WriteJson(page);
                return ExitCodes.Ok;
            }
            var table = new Table().Border(TableBorder.Simple).AddColumns("VERSION", "TIME", "TYPE", "USER");
            if (cli.Wide) table.AddColumns("USER ID");
            table.AddColumns("HASH");
            foreach (var e in page.Events)
            {
                var user = User(e.Metadata);
                List<string> row = [e.Version.ToString(System.Globalization.CultureInfo.InvariantCulture), TimeDisplay.Utc(e.Timestamp), Markup.Escape(e.Type),
                    Markup.Escape(Guid.TryParse(user, out var userId) && page.Users?.GetValueOrDefault(userId) is { } name ? name : user)];
                if (cli.Wide) row.Add(Guid.TryParse(user, out _) ? user : "");
                row.Add(e.Hash[..Math.Min(ShortHash, e.Hash.Length)]);
                table.AddRow([.. row]);
            }
            cli.Out.Write(table);
            if (page.NextFromVersion is { } next) cli.Out.WriteLine($"more: --from-version {next} (the stream is at version {page.HeadVersion})");
            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>One page; with <paramref name="all"/>, every page from <paramref name="from"/> to the head, as one page.</summary>
    private static async Task<ApiResult<AuditEventPage>> ReadAsync(ApiClient client, Guid id, long from, int limit, bool all, CancellationToken ct)
    {
        var result = await client.GetAuditEventsAsync(id, from, limit, ct);
        if (!all) return result;
        var events = new List<AuditEvent>();
        var users = new Dictionary<Guid, string>();
        while (result.Value is { } page)
        {
            events.AddRange(page.Events);
            foreach (var (userId, name) in page.Users ?? new Dictionary<Guid, string>()) users[userId] = name;
            if (page.NextFromVersion is not { } next) return new ApiResult<AuditEventPage>(page with { Events = events, Users = users }, null);
            result = await client.GetAuditEventsAsync(id, next, limit, ct);
        }
        return result;
    }

    /// <summary>Who caused the event (<c>metadata.user</c>): a user id, or a service such as <c>system</c> or <c>poller</c>.</summary>
    private static string User(JsonElement metadata) =>
        metadata.ValueKind == JsonValueKind.Object && metadata.TryGetProperty("user", out var user) && user.ValueKind == JsonValueKind.String
            ? user.GetString()!
            : "";
}
