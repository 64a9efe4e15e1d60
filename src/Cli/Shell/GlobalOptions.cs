using System.CommandLine;

namespace ZeroLagHub.Cli.Shell;

/// <summary>Options every command takes (recursive: valid after any subcommand).</summary>
public static class GlobalOptions
{
    public static readonly Option<string?> Api = new("--api")
    {
        Description = $"API address (default: ZLH_API, else Api in config.json, else {CliConfig.DefaultApi})",
        Recursive = true,
    };

    public static readonly Option<bool> Json = new("--json")
    {
        Description = "Machine output: one JSON document on stdout, messages on stderr",
        Recursive = true,
    };

    /// <summary>Tables name containers and users; <c>-o wide</c> adds their ids (as <c>--json</c> always has them).</summary>
    public static readonly Option<string?> Output = CreateOutput();

    private static Option<string?> CreateOutput()
    {
        var output = new Option<string?>("--output", "-o") { Description = "wide: tables show ids beside names", Recursive = true };
        output.AcceptOnlyFromAmong("wide");
        return output;
    }
}
