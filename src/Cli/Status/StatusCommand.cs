using System.CommandLine;
using System.Text.Json;
using ZeroLagHub.Cli.Api;
using ZeroLagHub.Cli.Containers;
using ZeroLagHub.Cli.Shell;

namespace ZeroLagHub.Cli.Status;

/// <summary>
/// <c>zlh status [container] [--watch]</c>: the live status of one container or of all yours (an admin's: everyone's),
/// once or continuously from the API's status stream.
/// </summary>
public static class StatusCommand
{
    public static Command Create()
    {
        var container = new Argument<string?>("container") { Description = ContainerResolver.Help + " (default: all yours)", Arity = ArgumentArity.ZeroOrOne };
        var watch = new Option<bool>("--watch", "-w") { Description = "Keep showing changes as they happen (Ctrl-C to stop); with --json, one document per line" };
        var command = new Command("status", "Live status of your containers") { container, watch };
        command.SetAction((parse, ct) => CliContext.RunAsync(parse, async cli =>
        {
            Guid? only = null;
            if (parse.GetValue(container) is { } reference)
            {
                var resolved = await ContainerResolver.ResolveAsync(cli.Client, reference, ct);
                if (resolved.Problem is { } problem) return cli.Fail(problem);
                only = resolved.Value;
                // The stream only shows what is yours, so it would wait forever on a container that is not: ask first.
                if (parse.GetValue(watch) && (await cli.Client.GetStatusAsync(resolved.Value, ct)).Problem is { } refused) return cli.Fail(refused);
            }
            // Statuses carry ids only; people read names (--json keeps the documents as the API sends them).
            var names = await ContainerNames.LoadAsync(cli.Client, ct);
            if (names.Problem is { } noNames) return cli.Fail(noNames);
            if (parse.GetValue(watch)) return await StatusWatch.RunAsync(cli, only, names.Value!, ct);
            return only is { } id ? await ShowOneAsync(cli, id, names.Value!, ct) : await ShowAllAsync(cli, names.Value!, ct);
        }));
        return command;
    }

    private static async Task<int> ShowOneAsync(CliContext cli, Guid id, ContainerNames names, CancellationToken ct)
    {
        var result = await cli.Client.GetStatusAsync(id, ct);
        if (result.Problem is { } problem) return cli.Fail(problem);
        if (cli.Json) cli.WriteJson(result.Value);
        else cli.Out.Write(StatusView.Detail(result.Value!, names));
        return ExitCodes.Ok;
    }

    /// <summary>Everyone's status in one request: the stream's first event is a snapshot of them all.</summary>
    private static async Task<int> ShowAllAsync(CliContext cli, ContainerNames names, CancellationToken ct)
    {
        List<ContainerStatusInfo>? statuses = null;
        var result = await cli.Client.StreamStatusAsync(null, e =>
        {
            if (e.Type != "snapshot") return ValueTask.FromResult(true);
            statuses = JsonSerializer.Deserialize<List<ContainerStatusInfo>>(e.Data, JsonSerializerOptions.Web);
            return ValueTask.FromResult(false);
        }, ct);
        if (result.Problem is { } problem) return cli.Fail(problem);
        if (cli.Json) cli.WriteJson(statuses);
        else cli.Out.Write(StatusView.Table(statuses!, names, cli.Wide));
        return ExitCodes.Ok;
    }
}
