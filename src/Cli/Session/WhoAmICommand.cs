using Spectre.Console;
using System.CommandLine;
using ZeroLagHub.Cli.Shell;

namespace ZeroLagHub.Cli.Session;

/// <summary><c>zlh whoami</c>: the account the stored session belongs to (GET /api/auth/me).</summary>
public static class WhoAmICommand
{
    public static Command Create()
    {
        var command = new Command("whoami", "Show the logged-in account");
        command.SetAction((parse, ct) => CliContext.RunAsync(parse, async cli =>
        {
            var result = await cli.Client.MeAsync(ct);
            if (result.Problem is { } problem) return cli.Fail(problem);
            var me = result.Value!;
            if (cli.Json) cli.WriteJson(me);
            else cli.Out.WriteLine($"{me.Username} ({string.Join(", ", me.Roles)}) on {cli.Api}");
            return ExitCodes.Ok;
        }));
        return command;
    }
}
