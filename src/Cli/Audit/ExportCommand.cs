using System.CommandLine;
using Spectre.Console;
using ZeroLagHub.Cli.Api;
using ZeroLagHub.Cli.Containers;
using ZeroLagHub.Cli.Shell;
using ZeroLagHub.Domain.Containers;

namespace ZeroLagHub.Cli.Audit;

/// <summary>
/// <c>zlh audit export &lt;container&gt; | --since T [--until T]  [-o FILE]</c>: the events as NDJSON, one
/// stored event per line, copied as they arrive (any size, constant memory). A file is written as
/// <c>FILE.partial</c> and renamed when complete, so an interrupted export never passes for a whole one.
/// </summary>
public static class ExportCommand
{
    public static Command Create()
    {
        var container = new Argument<string?>("container") { Description = AuditCommand.ContainerHelp, Arity = ArgumentArity.ZeroOrOne };
        var since = new Option<string?>("--since") { Description = "Every stream's events from this time: ISO 8601 or an age (30m, 2h, 7d)" };
        var until = new Option<string?>("--until") { Description = "…and before this time" };
        var output = new Option<string?>("--output", "-o") { Description = "Write to this file instead of stdout" };
        var command = new Command("export", "Export a container's history (or a time range of every stream) as NDJSON") { container, since, until, output };
        command.SetAction((parse, ct) => CliContext.RunAsync(parse, async cli =>
        {
            var now = DateTimeOffset.UtcNow;
            if (TimeArgument.Read(parse, since, now, out var from) is { } badSince) return CliContext.Usage(badSince);
            if (TimeArgument.Read(parse, until, now, out var to) is { } badUntil) return CliContext.Usage(badUntil);
            var reference = parse.GetValue(container);
            var range = from is not null || to is not null;
            if ((reference is null) == !range)
                return CliContext.Usage("give a container (its whole history), or --since/--until (every stream in that time range): one of the two");

            var query = new ExportQuery(null, from, to);
            if (reference is not null)
            {
                var id = await ContainerResolver.ResolveAsync(cli.Client, reference, ct, includeDeleted: true);
                if (id.Problem is { } notFound) return cli.Fail(notFound);
                query = query with { Stream = Container.StreamId(id.Value) };
            }
            return parse.GetValue(output) is { } file ? await ToFileAsync(cli, query, file, ct) : await ToStdoutAsync(cli, query, ct);
        }));
        return command;
    }

    private static async Task<int> ToStdoutAsync(CliContext cli, ExportQuery query, CancellationToken ct)
    {
        var result = await cli.Client.ExportAsync(query, Console.OpenStandardOutput, ct);
        return result.Problem is { } problem ? cli.Fail(problem) : ExitCodes.Ok;
    }

    private static async Task<int> ToFileAsync(CliContext cli, ExportQuery query, string file, CancellationToken ct)
    {
        var partial = file + ".partial";
        var result = await cli.Client.ExportAsync(query, () => new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None), ct);
        if (result.Problem is { } problem)
        {
            if (File.Exists(partial)) File.Delete(partial);
            return cli.Fail(problem);
        }
        File.Move(partial, file, overwrite: true);
        if (cli.Json) cli.WriteJson(new { file = Path.GetFullPath(file), events = result.Value });
        else cli.Out.WriteLine($"exported {result.Value} events to {file}");
        return ExitCodes.Ok;
    }
}
