using System.Globalization;

namespace ZeroLagHub.Projections.Redis;

/// <summary>
/// Where Redis is, who to be and how long to wait for it. Parsed from
/// <c>host:port[,user=…][,password=…][,timeout=ms][,connectTimeout=ms]</c>, the shape StackExchange.Redis accepts
/// for the same settings.
/// </summary>
public sealed record RedisOptions(string Host, int Port)
{
    /// <summary>Sent with AUTH after every connect; never logged (<see cref="ToString"/> leaves it out).</summary>
    public string? Password { get; init; }

    /// <summary>
    /// The ACL user to authenticate as (<c>AUTH user password</c>); null means Redis' default user. The API runs as a
    /// user of its own allowed only the commands it sends (scripts/services.sh).
    /// </summary>
    public string? User { get; init; }

    /// <summary>AUTH's arguments after the command name: <c>[user] password</c>; null when there is no password.</summary>
    internal RedisArgument[]? AuthArguments => Password is null ? null : User is null ? [Password] : [User, Password];

    /// <summary>How long a command may wait for its reply before <see cref="RedisTimeoutException"/>.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long one connect attempt (TCP connect plus AUTH) may take.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>First wait after a failed or dropped connection; doubles per failed attempt up to <see cref="MaxReconnectDelay"/>.</summary>
    public TimeSpan MinReconnectDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan MaxReconnectDelay { get; init; } = TimeSpan.FromSeconds(5);

    public string EndPoint => $"{Host}:{Port}";

    public static RedisOptions Parse(string connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var parts = connection.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0) throw new FormatException("Redis connection is empty; expected host:port, e.g. 127.0.0.1:6379");

        var colon = parts[0].LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(parts[0].AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            throw new FormatException($"Redis endpoint '{parts[0]}' is not host:port with a port from 1 to 65535, e.g. 127.0.0.1:6379");

        var options = new RedisOptions(parts[0][..colon].Trim('[', ']'), port);
        foreach (var part in parts.Skip(1))
        {
            var eq = part.IndexOf('=');
            var (name, value) = eq < 0 ? (part, "") : (part[..eq].Trim(), part[(eq + 1)..].Trim());
            options = name.ToLowerInvariant() switch
            {
                "password" => options with { Password = value },
                "user" => options with { User = value.Length > 0 ? value : throw new FormatException("Redis option 'user' is empty; give the ACL user's name") },
                "timeout" or "synctimeout" => options with { CommandTimeout = Milliseconds(name, value) },
                "connecttimeout" => options with { ConnectTimeout = Milliseconds(name, value) },
                _ => throw new FormatException($"Redis option '{name}' is unknown; use user, password, timeout or connectTimeout"),
            };
        }
        return options;
    }

    private static TimeSpan Milliseconds(string name, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) && ms > 0
            ? TimeSpan.FromMilliseconds(ms)
            : throw new FormatException($"Redis option '{name}' must be a positive number of milliseconds, not '{value}'");

    // The password stays out of logs and exception messages.
    public override string ToString() =>
        EndPoint + (User is null ? "" : $",user={User}") + (Password is null ? "" : ",password=***");
}
