using System.Text.RegularExpressions;

namespace ZeroLagHub.Api.Auth.Accounts;

/// <summary>What a new account's name and password must satisfy; errors keyed by field, for a 400.</summary>
public static partial class AccountRules
{
    public const int MinPasswordLength = 12;

    /// <summary>The longest name <see cref="Username"/> accepts; a longer one is refused at login before any look-up.</summary>
    public const int MaxUsernameLength = 32;

    /// <summary>Bounds the work of hashing whatever a client sends.</summary>
    public const int MaxPasswordLength = 256;

    public static Dictionary<string, string[]> Check(string? username, string? password)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrEmpty(username) || !Username().IsMatch(username))
            errors["username"] = ["3 to 32 characters: letters, digits, '.', '_' or '-', starting with a letter or digit"];
        if (string.IsNullOrEmpty(password) || password.Length < MinPasswordLength)
            errors["password"] = [$"at least {MinPasswordLength} characters"];
        else if (password.Length > MaxPasswordLength)
            errors["password"] = [$"at most {MaxPasswordLength} characters"];
        else if (string.Equals(password, username, StringComparison.OrdinalIgnoreCase))
            errors["password"] = ["must not be the username"];
        return errors;
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{2,31}\z")]
    private static partial Regex Username();
}
