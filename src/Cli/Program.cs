using System.CommandLine;
using System.Reflection;
using ZeroLagHub.Cli.Proxmox;

// zlh: the ZeroLagHub command line. `--version` is handled before parsing so it prints exactly
// "zlh X.Y.Z" (System.CommandLine's own would add the informational suffix).
var version = Assembly.GetExecutingAssembly().GetName().Version?.ToString(3) ?? "0.0.0";
if (args is ["--version"])
{
    Console.WriteLine($"zlh {version}");
    return 0;
}

var root = new RootCommand("zlh: the ZeroLagHub command line")
{
    new Command("admin", "Operator commands") { ProxmoxSelfTestCommand.Create() },
};
var parse = root.Parse(args);
if (args.Length == 0 || parse.Errors.Count > 0)
{
    foreach (var error in parse.Errors) Console.Error.WriteLine(error.Message);
    Console.Error.WriteLine($"zlh {version}: see README.md for the commands, or zlh --help.");
    return 2;
}
return await parse.InvokeAsync();
