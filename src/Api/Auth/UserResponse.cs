using ZeroLagHub.Api.Auth.Accounts;

namespace ZeroLagHub.Api.Auth;

/// <summary>An account as the API shows it (never the password hash).</summary>
public sealed record UserResponse(Guid Id, string Username, IReadOnlyList<string> Roles, DateTimeOffset CreatedAt)
{
    internal static UserResponse From(UserAccount user) => new(user.Id, user.Username, user.Roles, user.CreatedAt);
}
