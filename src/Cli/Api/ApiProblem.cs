using System.Net;
using ZeroLagHub.Cli.Shell;

namespace ZeroLagHub.Cli.Api;

/// <summary>
/// Why a call did not succeed: the API's <c>application/problem+json</c>, or a problem of our own when
/// the API could not be reached (<see cref="Status"/> 0) or we hold no session.
/// </summary>
public sealed record ApiProblem(int Status, string Title, string? Detail, IReadOnlyDictionary<string, string[]>? Errors = null)
{
    /// <summary>401/403/404 → not found or forbidden; 400 → the input was wrong; anything else failed.</summary>
    public int ExitCode => Status switch
    {
        (int)HttpStatusCode.Unauthorized or (int)HttpStatusCode.Forbidden or (int)HttpStatusCode.NotFound => ExitCodes.NotFound,
        (int)HttpStatusCode.BadRequest => ExitCodes.Usage,
        _ => ExitCodes.Failed,
    };

    public static ApiProblem NotLoggedIn(Uri api) =>
        new(401, "Not logged in", $"no session for {api}: run zlh login --api {api}");

    public static ApiProblem Unreachable(Uri api, Exception error) =>
        new(0, "API unreachable", $"cannot reach {api} ({error.Message}); is it running? (./zlh.sh up, or --api / ZLH_API)");

    /// <summary>One readable message: title, detail, then each field error on its own line.</summary>
    public override string ToString()
    {
        var text = Detail is { Length: > 0 } && Detail != Title ? $"{Title}: {Detail}" : Title;
        foreach (var (field, messages) in Errors ?? new Dictionary<string, string[]>())
            text += $"\n  {field}: {string.Join("; ", messages)}";
        return text;
    }
}
