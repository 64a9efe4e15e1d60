using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using ZeroLagHub.Cli.Shell;

namespace ZeroLagHub.Cli.Admin;

/// <summary>
/// <c>zlh admin artifacts</c>: what can be installed, each built, a stand-in or not built yet (with the command that
/// builds it); <c>zlh admin artifacts build &lt;name&gt; &lt;version&gt;</c>: builds one on the API's machine from its
/// package registries, printing the builder's progress until it ends (exit 1 if it failed).
/// </summary>
public static class ArtifactsCommand
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    public static Command Create()
    {
        var command = new Command("artifacts", "Runtimes and addons: built, stand-in or not built; build one") { Build() };
        command.SetAction((parse, ct) => CliContext.RunAsync(parse, async cli =>
        {
            using var calls = new ArtifactsCalls(cli.Client);
            var result = await calls.ListAsync(ct);
            if (result.Problem is { } problem) return cli.Fail(problem);
            var list = result.Value!;
            if (cli.Json)
            {
                cli.WriteJson(list);
                return ExitCodes.Ok;
            }
            var table = new Table().Border(TableBorder.Simple).AddColumns("KIND", "NAME", "VERSION", "STATE", "SIZE", "SOURCE / HOW TO BUILD");
            foreach (var a in list.Artifacts)
                table.AddRow(a.Kind, Markup.Escape(a.Name), Markup.Escape(a.Version), Markup.Escape(a.State),
                    a.Size is { } size ? $"{(size / 1048576.0).ToString("0.#", CultureInfo.InvariantCulture)} MB" : "",
                    Markup.Escape(a.BuildCommand ?? a.Source ?? ""));
            cli.Out.Write(table);
            if (list.Artifacts.Any(a => a.StandIn))
                cli.Out.WriteLine("stand-in: a small script in place of the real runtime, for tests and the quick mode (Artifacts:StandIns)");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Build()
    {
        var name = new Argument<string>("name") { Description = "node, dotnet, java, go or code-server (zlh admin artifacts lists them)" };
        var version = new Argument<string>("version") { Description = "e.g. 24 for node, 4.139.1 for code-server" };
        var command = new Command("build", "Build a real runtime or addon from the package registries, once") { name, version };
        command.SetAction((parse, ct) => CliContext.RunAsync(parse, async cli =>
        {
            using var calls = new ArtifactsCalls(cli.Client);
            var (n, v) = (parse.GetRequiredValue(name), parse.GetRequiredValue(version));
            var result = await calls.BuildAsync(n, v, ct);
            var printed = 0;
            while (result.Value is { } build)
            {
                if (!cli.Json)
                    foreach (var line in build.Log.Skip(Math.Max(0, printed - build.LogStart))) Console.Out.WriteLine(line);
                printed = build.LogStart + build.Log.Count;
                if (build.State != "building") break;
                await Task.Delay(PollInterval, ct);
                result = await calls.GetBuildAsync(n, v, ct);
            }
            if (result.Problem is { } problem) return cli.Fail(problem);
            var done = result.Value!;
            if (cli.Json) cli.WriteJson(done);
            if (done.State == "succeeded") return ExitCodes.Ok;
            return cli.Fail($"{n} {v} was not built: {done.Error}");
        }));
        return command;
    }
}
