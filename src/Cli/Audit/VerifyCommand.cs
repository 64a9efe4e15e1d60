using System.CommandLine;
using Spectre.Console;
using ZeroLagHub.Cli.Api;
using ZeroLagHub.Cli.Containers;
using ZeroLagHub.Cli.Shell;

namespace ZeroLagHub.Cli.Audit;

/// <summary>
/// <c>zlh audit verify &lt;container&gt; | --all</c>: recomputes the hash chain on the API's database. Exit 0
/// when intact, 1 when broken (with the first broken version and why), so scripts and cron can alert.
/// </summary>
public static class VerifyCommand
{
    public static Command Create()
    {
        var container = new Argument<string?>("container") { Description = AuditCommand.ContainerHelp, Arity = ArgumentArity.ZeroOrOne };
        var all = new Option<bool>("--all", "-a") { Description = "Every stream, not one container" };
        var command = new Command("verify", "Check the container's hash chain (or every stream's, with --all)") { container, all };
        command.SetAction((parse, ct) => CliContext.RunAsync(parse, async cli =>
        {
            var reference = parse.GetValue(container);
            if ((reference is null) == !parse.GetValue(all)) return CliContext.Usage("give a container, or --all for every stream (one of the two)");
            return reference is null ? await AllAsync(cli, ct) : await OneAsync(cli, reference, ct);
        }));
        return command;
    }

    private static async Task<int> OneAsync(CliContext cli, string reference, CancellationToken ct)
    {
        var id = await ContainerResolver.ResolveAsync(cli.Client, reference, ct, includeDeleted: true);
        if (id.Problem is { } notFound) return cli.Fail(notFound);
        var result = await cli.Client.VerifyContainerAsync(id.Value, ct);
        if (result.Problem is { } problem) return cli.Fail(problem);
        var stream = result.Value!;
        if (cli.Json) cli.WriteJson(stream);
        else cli.Out.WriteLine(Line(stream));
        return stream.IsIntact ? ExitCodes.Ok : ExitCodes.Failed;
    }

    private static async Task<int> AllAsync(CliContext cli, CancellationToken ct)
    {
        var result = await cli.Client.VerifyAllAsync(ct);
        if (result.Problem is { } problem) return cli.Fail(problem);
        var report = result.Value!;
        if (cli.Json) cli.WriteJson(report);
        else
        {
            cli.Out.WriteLine($"{report.StreamsChecked} streams, {report.EventsChecked} events checked: " +
                (report.Intact ? "intact" : $"{report.Broken.Count} broken"));
            foreach (var stream in report.Broken) cli.Out.WriteLine("  " + Line(stream));
        }
        return report.Intact ? ExitCodes.Ok : ExitCodes.Failed;
    }

    private static string Line(StreamVerification stream) => stream.IsIntact
        ? $"stream {stream.StreamId}: intact, {stream.EventsChecked} events checked"
        : $"stream {stream.StreamId}: broken at version {stream.FirstBroken}: {stream.Reason} ({stream.EventsChecked} events checked)";
}
