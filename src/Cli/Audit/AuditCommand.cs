using System.CommandLine;
using ZeroLagHub.Cli.Containers;

namespace ZeroLagHub.Cli.Audit;

/// <summary>
/// <c>zlh audit …</c>, for auditors (and admins): a container's events, its state at an earlier point,
/// its hash chain, and exports. Read-only; anyone else gets 403 (exit 3).
/// </summary>
public static class AuditCommand
{
    /// <summary>A container's history outlives it, so deleted containers are found by name too.</summary>
    public const string ContainerHelp = ContainerResolver.Help + " (deleted ones too)";

    public static Command Create() => new("audit", "For auditors: a container's event history")
    {
        EventsCommand.Create(), StateCommand.Create(), VerifyCommand.Create(), ExportCommand.Create(),
    };
}
