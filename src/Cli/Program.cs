using System.CommandLine;
using System.Reflection;
using ZeroLagHub.Cli.Admin;
using ZeroLagHub.Cli.Audit;
using ZeroLagHub.Cli.Consoles;
using ZeroLagHub.Cli.Containers;
using ZeroLagHub.Cli.Deployments;
using ZeroLagHub.Cli.Ide;
using ZeroLagHub.Cli.Proxmox;
using ZeroLagHub.Cli.Session;
using ZeroLagHub.Cli.Shell;
using ZeroLagHub.Cli.Ssh;
using ZeroLagHub.Cli.Status;

// zlh: the ZeroLagHub command line (docs/cli.md). `--version` is handled before parsing so it prints
// exactly "zlh X.Y.Z" (System.CommandLine's own would add the informational suffix).
var version = Assembly.GetExecutingAssembly().GetName().Version?.ToString(3) ?? "0.0.0";
if (args is ["--version"])
{
    Console.WriteLine($"zlh {version}");
    return ExitCodes.Ok;
}

var admin = new Command("admin", "Operator commands")
{
    ProxmoxSelfTestCommand.Create(), ProjectionsCommand.Create(), RebuildCommand.Create(), DeadLettersCommand.Create(),
};
admin.Subcommands.Add(ArtifactsCommand.Create());
var root = new RootCommand("zlh: the ZeroLagHub command line")
{
    GlobalOptions.Api, GlobalOptions.Json, GlobalOptions.Output,
    LoginCommand.Create(), LogoutCommand.Create(), WhoAmICommand.Create(),
    ListCommand.Create(), ShowCommand.Create(), CreateCommand.Create(), RemoveCommand.Create(),
    ActionCommand.Start(), ActionCommand.Stop(), ActionCommand.Reprovision(), ActionCommand.Server(), ActionCommand.CodeServer(),
    DeploymentsCommand.Create(), DeploymentCommand.Create(),
    SshCommand.Create(), IdeCommand.Create(),
    StatusCommand.Create(), ConsoleCommand.Create(), AuditCommand.Create(),
    admin,
};

var parse = root.Parse(args);
if (args.Length == 0 || parse.Errors.Count > 0)
{
    foreach (var error in parse.Errors) Console.Error.WriteLine($"zlh: {error.Message}");
    Console.Error.WriteLine($"zlh {version}: zlh --help lists the commands; docs/cli.md describes them.");
    return ExitCodes.Usage;
}
return await parse.InvokeAsync();
