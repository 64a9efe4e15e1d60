using System.CommandLine;
using Spectre.Console;
using ZeroLagHub.Cli.Shell;

namespace ZeroLagHub.Cli.Session;

/// <summary>
/// <c>zlh login [--user NAME] [--password-stdin]</c>. The password is read from stdin or typed at a
/// prompt without echo; there is no --password option, since the command line is visible to every
/// user through ps and shell history.
/// </summary>
public static class LoginCommand
{
    public static Command Create()
    {
        var user = new Option<string?>("--user", "-u") { Description = "Account name (prompted for when interactive)" };
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Read the password from the first line of stdin" };
        var command = new Command("login", "Log in and keep the session in the config directory (0600)") { user, passwordStdin };
        command.SetAction((parse, ct) => CliContext.RunAsync(parse, cli => RunAsync(cli, parse.GetValue(user), parse.GetValue(passwordStdin), ct)));
        return command;
    }

    private static async Task<int> RunAsync(CliContext cli, string? username, bool passwordStdin, CancellationToken ct)
    {
        // Prompts go to stderr so stdout keeps only the result.
        var prompt = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        var interactive = !Console.IsInputRedirected;
        if (string.IsNullOrEmpty(username))
        {
            if (!interactive || passwordStdin) return CliContext.Usage("--user is required when stdin is not a terminal");
            username = prompt.Prompt(new TextPrompt<string>("User:"));
        }

        string? password;
        if (passwordStdin) password = await Console.In.ReadLineAsync(ct);
        else if (interactive) password = prompt.Prompt(new TextPrompt<string>("Password:").Secret());
        else return CliContext.Usage("stdin is not a terminal: pipe the password with --password-stdin");
        if (string.IsNullOrEmpty(password)) return CliContext.Usage("the password is empty");

        var result = await cli.Client.LogInAsync(username, password, ct);
        if (result.Problem is { } problem) return cli.Fail(problem);

        if (cli.Json) cli.WriteJson(new { api = cli.Api, username, expiresAt = result.Value!.ExpiresAt, credentials = cli.Config.CredentialsPath });
        else cli.Out.MarkupLine($"Logged in to {Markup.Escape(cli.Api.ToString())} as [bold]{Markup.Escape(username)}[/] (session kept in {Markup.Escape(cli.Config.CredentialsPath)}).");
        return ExitCodes.Ok;
    }
}
