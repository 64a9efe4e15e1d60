namespace ZeroLagHub.Api.Auth;

/// <summary>The roles an account can hold. Every account is a <see cref="User"/>; admin implies auditor.</summary>
public static class Role
{
    public const string User = "user";
    public const string Admin = "admin";

    /// <summary>Reads every container's history (audit log, replay) but changes nothing.</summary>
    public const string Auditor = "auditor";

    public static IReadOnlySet<string> All { get; } = new HashSet<string>([User, Admin, Auditor], StringComparer.Ordinal);
}
