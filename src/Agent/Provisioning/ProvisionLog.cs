namespace ZeroLagHub.Agent.Provisioning;

/// <summary>Provisioning and install log lines (EventIds 4100–4199). Tokens never appear in them.</summary>
internal static partial class ProvisionLog
{
    [LoggerMessage(EventId = 4100, Level = LogLevel.Information, Message = "Installing {Name} {Version} from {File}")]
    public static partial void Installing(this ILogger logger, string name, string version, string file);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "{Name} {Version}: {Outcome} at {Path}")]
    public static partial void Installed(this ILogger logger, string name, string version, string outcome, string path);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Warning, Message = "Install failed ({Error}): {Detail}")]
    public static partial void InstallFailed(this ILogger logger, string error, string detail);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Information, Message = "Install output: {Line}")]
    public static partial void InstallOutput(this ILogger logger, string line);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Information, Message = "Dev home not given to {User}: {Reason}")]
    public static partial void OwnershipSkipped(this ILogger logger, string user, string reason);

    [LoggerMessage(EventId = 4105, Level = LogLevel.Information, Message = "Provisioned: {Outcome}, dev ready at {DevReadyAt}")]
    public static partial void Provisioned(this ILogger logger, string outcome, DateTimeOffset? devReadyAt);
}
