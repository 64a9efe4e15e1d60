using System.CommandLine;
using ZeroLagHub.Cli.Api;
using ZeroLagHub.Cli.Shell;
using ZeroLagHub.Domain.Containers;
using ZeroLagHub.Domain.Servers;

namespace ZeroLagHub.Cli.Containers;

/// <summary>
/// <c>zlh create dev|game</c>: <c>POST /api/servers</c>. The API validates the spec against the catalog
/// and answers field errors (exit 2); the CLI checks only what it needs to build the request.
/// </summary>
public static class CreateCommand
{
    public static Command Create() => new("create", "Create a container and start its deployment") { Dev(), Game() };

    private static Command Dev()
    {
        var shared = new SharedOptions();
        var command = new Command("dev", "A dev container: workspace, runtime, addons such as code-server");
        shared.AddTo(command);
        command.SetAction((parse, ct) => CliContext.RunAsync(parse, cli => SendAsync(cli, shared.Body(parse, "dev", server: null), parse.GetValue(shared.Wait), ct)));
        return command;
    }

    private static Command Game()
    {
        var shared = new SharedOptions();
        var executable = new Option<string>("--command") { Description = "Server executable, on PATH inside the container (e.g. java, bash)", Required = true };
        var args = new Option<string[]>("--arg") { Description = "One argument to it, repeat in order (use --arg=-Xmx2G for dashes)" };
        var workdir = new Option<string?>("--workdir") { Description = "Working directory under the server root" };
        var stopCommand = new Option<string?>("--stop-command") { Description = "Console command for a graceful stop", DefaultValueFactory = _ => "stop" };
        var readyLine = new Option<string?>("--ready-line") { Description = "Console text that means the server is up, e.g. 'Done ('" };
        var gracefulTimeout = new Option<int>("--graceful-timeout") { Description = "Seconds a stop waits before SIGTERM", DefaultValueFactory = _ => 30 };
        var readyTimeout = new Option<int>("--ready-timeout") { Description = "Seconds before it counts as running without the ready line", DefaultValueFactory = _ => 300 };
        var command = new Command("game", "A game server: a supervised server process with a console")
            { executable, args, workdir, stopCommand, readyLine, gracefulTimeout, readyTimeout };
        shared.AddTo(command);
        command.SetAction((parse, ct) => CliContext.RunAsync(parse, cli =>
        {
            var server = new ServerSpec(parse.GetRequiredValue(executable), parse.GetValue(args) ?? [], parse.GetValue(workdir),
                parse.GetValue(stopCommand), parse.GetValue(readyLine), parse.GetValue(gracefulTimeout), parse.GetValue(readyTimeout));
            return SendAsync(cli, shared.Body(parse, "game", server), parse.GetValue(shared.Wait), ct);
        }));
        return command;
    }

    private static async Task<int> SendAsync(CliContext cli, CreateContainerBody body, bool wait, CancellationToken ct) =>
        await CommandOutput.WriteAsync(cli, await cli.Client.CreateContainerAsync(body, ct), $"Creating {body.Kind} container {body.Name}", wait, ct);

    /// <summary>The options dev and game share; one instance per command (an option belongs to one parent).</summary>
    private sealed class SharedOptions
    {
        public Option<string?> Name { get; } = new("--name") { Description = "A DNS label (default: <runtime or kind>-<4 random hex digits>)" };
        public Option<string?> Runtime { get; } = new("--runtime") { Description = "Catalog runtime: node, python, go, java…" };
        public Option<string?> Version { get; } = new("--version") { Description = "Runtime version, e.g. 24 (with --runtime)" };
        public Option<string[]> Addons { get; } = new("--addon") { Description = "Catalog addon, name or name@version; repeat for more" };
        public Option<int?> Cores { get; } = new("--cores") { Description = "CPU cores (default 1)" };
        public Option<int?> MemoryMb { get; } = new("--memory-mb") { Description = "Memory in MB (default 2048)" };
        public Option<int?> DiskGb { get; } = new("--disk-gb") { Description = "Disk in GB (default 8)" };
        public Option<bool> Wait { get; } = new("--wait", "-w") { Description = "Follow the deployment until it ends (exit 1 if it failed)" };

        public Option<PublishedPort[]> Ports { get; } = new("--port", "-p")
        {
            Description = "Publish this port on the host's port of the same number: 25565, 25565/tcp or 19132/udp; repeat for more",
            CustomParser = result => [.. result.Tokens.Select(t => ParsePort(t.Value, result))],
        };

        public void AddTo(Command command)
        {
            foreach (var option in new Option[] { Name, Runtime, Version, Addons, Cores, MemoryMb, DiskGb, Ports, Wait }) command.Add(option);
        }

        /// <summary><c>25565</c>, <c>25565/tcp</c> or <c>25565/udp</c>; anything else is a usage error naming the option.</summary>
        private static PublishedPort ParsePort(string text, System.CommandLine.Parsing.ArgumentResult result)
        {
            var parts = text.Split('/');
            if (parts.Length is 1 or 2 && int.TryParse(parts[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port)
                && port is >= 1 and <= 65535 && (parts.Length == 1 || parts[1] is PublishedPort.Tcp or PublishedPort.Udp))
                return new PublishedPort(port, parts.Length == 2 ? parts[1] : PublishedPort.Tcp);
            result.AddError($"--port takes a port 1-65535 with /tcp or /udp, e.g. 25565/tcp (got '{text}')");
            return new PublishedPort(0);
        }

        public CreateContainerBody Body(ParseResult parse, string kind, ServerSpec? server)
        {
            var runtime = parse.GetValue(Runtime);
            var name = parse.GetValue(Name) ?? $"{runtime ?? kind}-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(2))}";
            var defaults = new ContainerResources();
            var resources = new ContainerResources(parse.GetValue(Cores) ?? defaults.Cores, parse.GetValue(MemoryMb) ?? defaults.MemoryMb,
                parse.GetValue(DiskGb) ?? defaults.DiskGb);
            return new CreateContainerBody(kind, name, runtime, parse.GetValue(Version), parse.GetValue(Addons) ?? [], server, resources,
                parse.GetValue(Ports) is { Length: > 0 } ports ? ports : null);
        }
    }
}
