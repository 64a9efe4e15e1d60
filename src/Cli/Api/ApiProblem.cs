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

    /// <summary>
    /// One readable message. A validation problem is its field errors, each naming its field (and the API's messages
    /// name the allowed values): one sentence for one field, else a line each. The title of those ("Invalid request")
    /// and their detail (the same errors on one line, or "… see the field errors") add nothing here. Any other problem
    /// is its title and detail.
    /// </summary>
    public override string ToString()
    {
        var fields = (Errors ?? new Dictionary<string, string[]>())
            .Select(e => FieldSentence(e.Key, string.Join("; ", e.Value))).ToList();
        return fields switch
        {
            [var one] => one,
            [_, ..] => $"{fields.Count} fields are not valid:\n  " + string.Join("\n  ", fields),
            _ => Detail is { Length: > 0 } && Detail != Title ? $"{Title}: {Detail}" : Title,
        };
    }

    /// <summary>"runtime: runtime 'x' is not …" reads twice; a message that starts with its field stands alone.</summary>
    private static string FieldSentence(string field, string message)
    {
        var name = field.StartsWith("$.", StringComparison.Ordinal) ? field[2..] : field;
        return message.StartsWith(name + " ", StringComparison.OrdinalIgnoreCase) || message.StartsWith(field, StringComparison.Ordinal)
            ? message
            : $"{field}: {message}";
    }
}
