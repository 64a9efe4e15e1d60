namespace ZeroLagHub.Api.Ide;

/// <summary>
/// The gate's verdict on one IDE request: refused with <see cref="Problem"/>, or admitted, possibly with a
/// new session to put in the cookie (and then, for a <c>?token=</c> navigation, a redirect that drops the token).
/// </summary>
public sealed record IdeAdmission(IResult? Problem, string? NewSession = null, bool RedirectWithoutToken = false, bool ClearCookie = false)
{
    public static IdeAdmission Admitted { get; } = new((IResult?)null);

    public static IdeAdmission Refused(int status, string title, string detail, bool clearCookie = false) =>
        new(TypedResults.Problem(detail, statusCode: status, title: title), ClearCookie: clearCookie);
}
