using ZeroLagHub.Cli.Api;
using ZeroLagHub.Cli.Shell;

namespace ZeroLagHub.Cli.Admin;

/// <summary>Projection facts as one line of text, shared by the status table and the rebuild progress.</summary>
public static class ProjectionText
{
    /// <summary>The event it stopped at and the first line of the error; empty when not faulted.</summary>
    public static string Fault(ProjectionFault? fault) => fault is null
        ? ""
        : $"{fault.Event.Type} at {fault.Event.StreamId}@{fault.Event.Version}: {fault.Error.Split('\n')[0].Trim()} ({fault.Attempts} attempts)";

    public static string Progress(RebuildProgress r) =>
        $"{r.State} {r.Done}/{r.Total} events ({r.EventsPerSecond:0}/s" + (r.EtaSeconds is { } eta ? $", {TimeDisplay.Seconds(eta)} left)" : ")");
}
