using Spectre.Console;
using System.CommandLine;
using ZeroLagHub.Cli.Shell;

namespace ZeroLagHub.Cli.Session;

/// <summary><c>zlh logout</c>: revokes the session on the API and removes it from credentials.json.</summary>
public static class LogoutCommand
{
    public static Command Create()
    {
        var command = new Command("logout", "Revoke the session and forget it");
        command.SetAction((parse, ct) => CliContext.RunAsync(parse, async cli =>
        {
            var result = await cli.Client.LogOutAsync(ct);
            if (result.Problem is { } problem) return cli.Fail(problem);
            if (cli.Json) cli.WriteJson(new { api = cli.Api, loggedOut = true });
            else cli.Out.WriteLine($"Logged out of {cli.Api}.");
            return ExitCodes.Ok;
        }));
        return command;
    }
}
