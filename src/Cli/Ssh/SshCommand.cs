using System.CommandLine;
using System.Diagnostics;
using ZeroLagHub.Cli.Containers;
using ZeroLagHub.Cli.Shell;

namespace ZeroLagHub.Cli.Ssh;

/// <summary>
/// <c>zlh ssh &lt;container&gt; [--run]</c>: containers are never exposed directly, so a shell goes
/// through the bastion (<c>ssh -J</c>). Prints the command (for scripts and for people who want their
/// own ssh options), or runs it with the terminal handed over.
/// </summary>
public static class SshCommand
{
    public static Command Create()
    {
        var container = new Argument<string>("container") { Description = ContainerResolver.Help };
        var run = new Option<bool>("--run") { Description = "Run ssh instead of printing the command" };
        var login = new Option<string?>("--login", "-l") { Description = "User on the container (default: dev for dev containers, root for game servers)" };
        var bastion = new Option<string?>("--bastion") { Description = "Jump host [user@]host[:port] (default: ZLH_SSH_BASTION, else Ssh:Bastion in config.json)" };
        var command = new Command("ssh", "Print (or --run) the ssh command that reaches a container through the bastion") { container, run, login, bastion };
        command.SetAction((parse, ct) => CliContext.RunAsync(parse, async cli =>
        {
            var jump = parse.GetValue(bastion) ?? cli.Config.SshBastion;
            if (string.IsNullOrWhiteSpace(jump))
                return CliContext.Usage($"no bastion configured: set ZLH_SSH_BASTION, or Ssh:Bastion in {Path.Combine(cli.Config.Directory, "config.json")}, or pass --bastion");
            var id = await ContainerResolver.ResolveAsync(cli.Client, parse.GetRequiredValue(container), ct);
            if (id.Problem is { } notFound) return cli.Fail(notFound);
            var found = await cli.Client.GetContainerAsync(id.Value, ct);
            if (found.Problem is { } problem) return cli.Fail(problem);
            var target = found.Value!;
            if (target.Address is not { Length: > 0 } address)
                return cli.Fail($"container {target.Id} has no address yet (state: {target.Lifecycle}); wait for its deployment");

            string[] argv = ["ssh", "-J", jump, $"{parse.GetValue(login) ?? (target.Kind == "game" ? "root" : "dev")}@{address}"];
            if (parse.GetValue(run)) return await RunAsync(argv, ct);
            if (cli.Json) cli.WriteJson(new { container = target.Id, target.Vmid, address, command = argv });
            else Console.Out.WriteLine(string.Join(' ', argv.Select(Quote)));
            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>ssh with our stdin/stdout/stderr (nothing redirected), so it owns the terminal; its exit code is ours.</summary>
    private static async Task<int> RunAsync(string[] argv, CancellationToken ct)
    {
        var start = new ProcessStartInfo(argv[0]) { UseShellExecute = false };
        foreach (var arg in argv[1..]) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        await process.WaitForExitAsync(ct);
        return process.ExitCode;
    }

    /// <summary>POSIX shell quoting, so the printed line can be pasted as it is.</summary>
    private static string Quote(string arg) =>
        arg.Length > 0 && arg.All(c => char.IsAsciiLetterOrDigit(c) || "@%+=:,./-_[]".Contains(c)) ? arg : $"'{arg.Replace("'", "'\\''")}'";
}
