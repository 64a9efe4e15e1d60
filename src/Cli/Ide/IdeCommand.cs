using System.CommandLine;
using ZeroLagHub.Cli.Containers;
using ZeroLagHub.Cli.Shell;

namespace ZeroLagHub.Cli.Ide;

/// <summary>
/// <c>zlh ide &lt;container&gt;</c>: asks for a short-lived IDE token (<c>POST /api/dev/{id}/ide-token</c>)
/// and prints the browser URL that carries it. The URL is a credential for a few minutes: it goes to
/// stdout for the user, never to a log.
/// </summary>
public static class IdeCommand
{
    public static Command Create()
    {
        var container = new Argument<string>("container") { Description = ContainerResolver.Help };
        var command = new Command("ide", "Print the one-time browser IDE URL of a dev container") { container };
        command.SetAction((parse, ct) => CliContext.RunAsync(parse, async cli =>
        {
            var id = await ContainerResolver.ResolveAsync(cli.Client, parse.GetRequiredValue(container), ct);
            if (id.Problem is { } notFound) return cli.Fail(notFound);
            // First the container itself, so that a 404 from the token route below means the route, not the container.
            var found = await cli.Client.GetContainerAsync(id.Value, ct);
            if (found.Problem is { } problem) return cli.Fail(problem);
            if (found.Value!.Kind != "dev") return CliContext.Usage($"container {id.Value} is a {found.Value.Kind} server: only dev containers have an IDE");

            var token = await cli.Client.CreateIdeTokenAsync(id.Value, ct);
            if (token.Problem is { Status: 404 or 405 })
                return cli.Fail($"{cli.Api} does not serve IDE tokens (POST /api/dev/{id.Value}/ide-token answered {token.Problem.Status}); update the API");
            if (token.Problem is { } refused) return cli.Fail(refused);

            // Host mode (the IDE on its own origin, e.g. with the portal): the API's absolute URL. Path mode: under the
            // API's address as the CLI knows it, which keeps a path prefix a proxy in front may add.
            var url = Uri.TryCreate(token.Value!.Url, UriKind.Absolute, out var own) && own.Scheme is "http" or "https"
                ? own
                : new Uri(cli.Api, $"api/dev/{id.Value}/ide/?token={Uri.EscapeDataString(token.Value.Token)}");
            if (cli.Json) cli.WriteJson(new { container = id.Value, url });
            else Console.Out.WriteLine(url);
            return ExitCodes.Ok;
        }));
        return command;
    }
}
