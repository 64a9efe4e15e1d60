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
}
