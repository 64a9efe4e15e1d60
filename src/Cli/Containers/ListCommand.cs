using System.CommandLine;
using Spectre.Console;
using ZeroLagHub.Cli.Shell;

namespace ZeroLagHub.Cli.Containers;

/// <summary><c>zlh ls [--all]</c>: your containers (an admin sees everyone's).</summary>
public static class ListCommand
{
    public static Command Create()
    {
        var all = new Option<bool>("--all", "-a") { Description = "Include deleted containers" };
        var command = new Command("ls", "List containers") { all };
        command.SetAction((parse, ct) => CliContext.RunAsync(parse, async cli =>
        {
            var result = await cli.Client.ListContainersAsync(parse.GetValue(all), ct);
            if (result.Problem is { } problem) return cli.Fail(problem);
            if (cli.Json)
            {
                cli.WriteJson(result.Value);
                return ExitCodes.Ok;
            }
            var table = new Table().Border(TableBorder.Simple).AddColumns("ID", "NAME", "KIND", "STATE", "RUNTIME", "SERVER", "VMID", "PORTS");
            foreach (var c in result.Value!)
                table.AddRow(c.Id.ToString(), Markup.Escape(c.Name ?? ""), c.Kind, c.Lifecycle,
                    Markup.Escape(c.Runtime is null ? "" : $"{c.Runtime} {c.RuntimeVersion}"),
                    c.Kind == "game" ? c.Server : "", c.Vmid?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "",
                    string.Join(", ", c.Ports ?? []));
            cli.Out.Write(table);
            return ExitCodes.Ok;
        }));
        return command;
    }
}
