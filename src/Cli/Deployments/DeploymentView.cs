using Spectre.Console;
using ZeroLagHub.Cli.Api;
using ZeroLagHub.Cli.Shell;

namespace ZeroLagHub.Cli.Deployments;

/// <summary>How a deployment reads for people: a stage table, then the errors and log tails.</summary>
public static class DeploymentView
{
    public static Table StageTable(DeploymentInfo deployment)
    {
        var table = new Table().Border(TableBorder.Simple)
            .Title($"deployment {deployment.Id} · {deployment.Kind.ToLowerInvariant()} · {Status(deployment.Status)}")
            .AddColumns("STAGE", "STATUS", "DURATION");
        foreach (var stage in deployment.Stages)
            table.AddRow(Markup.Escape(stage.Name), Status(stage.Status), Duration(stage.DurationSeconds, stage.StartedAt, stage.FinishedAt));
        return table;
    }

    /// <summary>The stage lines after the table: each stage's error and its log tail (all of it for a failed stage).</summary>
    public static void WriteLogs(IAnsiConsole console, DeploymentInfo deployment)
    {
        foreach (var stage in deployment.Stages.Where(s => s.LogTail.Count > 0 || s.Error is not null))
        {
            console.MarkupLine($"[bold]{Markup.Escape(stage.Name)}[/] ({Status(stage.Status)})");
            if (stage.Error is { } error) console.MarkupLine($"  [red]error:[/] {Markup.Escape(error)}");
            foreach (var line in stage.LogTail) console.WriteLine($"  | {line}");
        }
        if (deployment.Error is { } failure && deployment.Stages.All(s => s.Error != failure))
            console.MarkupLine($"[red]error:[/] {Markup.Escape(failure)}");
    }

    public static string Summary(DeploymentInfo deployment) =>
        $"deployment {deployment.Id} {deployment.Status}" +
        (deployment.DurationSeconds is { } seconds ? $" in {TimeDisplay.Seconds(seconds)}" : "") +
        (deployment.FailedStage is { } stage ? $" at {stage}" : "");

    public static string Duration(double? seconds, DateTimeOffset? startedAt, DateTimeOffset? finishedAt) => seconds switch
    {
        { } done => TimeDisplay.Seconds(done),
        // Still running: how long so far, by our clock (close enough for a progress view).
        null when startedAt is { } start && finishedAt is null => TimeDisplay.Seconds(Math.Max(0, (DateTimeOffset.UtcNow - start).TotalSeconds)) + "…",
        _ => "",
    };

    private static string Status(string status) => status switch
    {
        "succeeded" => "[green]succeeded[/]",
        "failed" => "[red]failed[/]",
        "running" => "[yellow]running[/]",
        _ => Markup.Escape(status),
    };
}
