using System.Text.RegularExpressions;

namespace ZeroLagHub.Testing;

/// <summary>
/// The API's Redis ACL user as scripts/services.sh defines it (<c>api_user</c>, <c>api_redis_commands</c>), read from
/// the script itself so a test Redis grants exactly what the operator's does.
/// </summary>
public static partial class ApiRedisUser
{
    private static readonly Lazy<(string Name, string Commands)> Definition = new(Read);

    public static string Name => Definition.Value.Name;

    /// <summary>The commands as ACL rules, e.g. <c>+get +set …</c>.</summary>
    public static string Commands => Definition.Value.Commands;

    /// <summary>The redis.conf line that creates the user, as services.sh writes it.</summary>
    public static string ConfigurationLine(string password) =>
        $"user {Name} on >{password} resetkeys ~* resetchannels &* -@all {Commands}";

    private static (string, string) Read()
    {
        var script = File.ReadAllText(Path.Combine(TestServices.RepositoryRoot(), "scripts", "services.sh"));
        var name = UserLine().Match(script);
        var commands = CommandsLine().Match(script);
        if (!name.Success || !commands.Success) throw new InvalidOperationException("scripts/services.sh defines no api_user or api_redis_commands");
        return (name.Groups[1].Value, string.Join(' ', commands.Groups[1].Value.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries)));
    }

    [GeneratedRegex(@"^api_user=(\w+)$", RegexOptions.Multiline)]
    private static partial Regex UserLine();

    [GeneratedRegex("^api_redis_commands=\"([^\"]*)\"", RegexOptions.Multiline)]
    private static partial Regex CommandsLine();
}
