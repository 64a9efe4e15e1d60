using System.CommandLine;
using Spectre.Console;
using ZeroLagHub.Cli.Shell;

namespace ZeroLagHub.Cli.Session;

/// <summary>
/// <c>zlh login [--user NAME] [--password-stdin | --password-file PATH]</c>. The password is read from stdin, from
/// a file (the one <c>./zlh.sh up</c> writes for the first admin) or typed at a prompt without echo; there is no
/// --password option, since the command line is visible to every user through ps and shell history.
/// </summary>
public static class LoginCommand
{
    public static Command Create()
    {
        var user = new Option<string?>("--user", "-u") { Description = "Account name (prompted for when interactive)" };
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Read the password from the first line of stdin" };
        var passwordFile = new Option<string?>("--password-file")
        {
            Description = "Read the password from the first line of this file (./zlh.sh up writes the admin's to $ZLH_HOME/admin.password)",
        };
        var command = new Command("login", "Log in and keep the session in the config directory (0600)") { user, passwordStdin, passwordFile };
        command.SetAction((parse, ct) => CliContext.RunAsync(parse, cli =>
            RunAsync(cli, parse.GetValue(user), parse.GetValue(passwordStdin), parse.GetValue(passwordFile), ct)));
        return command;
    }

    private static async Task<int> RunAsync(CliContext cli, string? username, bool passwordStdin, string? passwordFile, CancellationToken ct)
    {
        if (passwordStdin && passwordFile is not null) return CliContext.Usage("give --password-stdin or --password-file, not both");
        // Prompts go to stderr so stdout keeps only the result.
        var prompt = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        var interactive = !Console.IsInputRedirected;
        if (string.IsNullOrEmpty(username))
        {
            if (!interactive || passwordStdin || passwordFile is not null) return CliContext.Usage("--user is required with --password-stdin, --password-file or when stdin is not a terminal");
            username = prompt.Prompt(new TextPrompt<string>("User:"));
        }

        string? password;
        if (passwordFile is not null)
        {
            try
            {
                password = File.ReadLines(passwordFile).FirstOrDefault();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return CliContext.Usage($"--password-file: cannot read {passwordFile} ({e.Message})");
            }
        }
        else if (passwordStdin) password = await Console.In.ReadLineAsync(ct);
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
