using JasperFx;
using JasperFx.CodeGeneration;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Wolverine;
using Wolverine.Marten;

namespace ZeroLagHub.Bench.Queue;

/// <summary>
/// The host the queue benchmark sends through: Marten on the bench database, integrated with Wolverine
/// (its outbox and envelope storage), every local queue durable. Self-contained for now; when the API
/// registers Wolverine, <see cref="ConfigureMessaging"/> is the one place to swap for the product's registration.
/// </summary>
/// <remarks>
/// Code generation: <see cref="TypeLoadMode.Static"/>, loading the handler adapter committed under
/// <c>Queue/Generated</c> (written by <c>queue-codegen</c>), as production is meant to run (issue 19): no Roslyn
/// in the graph, and no first-message compile inside a measured slice. <c>WolverineFx.RuntimeCompilation</c>
/// would add Roslyn to the bench only to measure something the product will not run.
/// </remarks>
internal static class QueueHost
{
    public const string Schema = "bench_queue";

    /// <summary>Where <c>queue-codegen</c> writes and Static mode expects the generated handler (namespace Internal.Generated).</summary>
    public static string GeneratedCodePath(string repoRoot) => Path.Combine(repoRoot, "bench", "ZeroLagHub.Bench", "Queue", "Generated");

    public static HostApplicationBuilder CreateBuilder(NpgsqlDataSource dataSource, QueueCompletions completions, string? generatedCodePath = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], DisableDefaults = true });
        builder.Logging.AddConsole().SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(completions);
        builder.Services.CritterStackDefaults(opts =>
        {
            opts.ApplicationAssembly = typeof(QueueHost).Assembly;
            if (generatedCodePath is not null) opts.GeneratedCodeOutputPath = generatedCodePath;
        });
        ConfigureMessaging(builder, dataSource);
        return builder;
    }

    private static void ConfigureMessaging(HostApplicationBuilder builder, NpgsqlDataSource dataSource)
    {
        builder.Services.AddMarten(opts =>
            {
                opts.Connection(dataSource);
                opts.DatabaseSchemaName = Schema;
            })
            .IntegrateWithWolverine()
            .ApplyAllDatabaseChangesOnStartup();

        builder.UseWolverine(opts =>
        {
            opts.ApplicationAssembly = typeof(QueueHost).Assembly;
            opts.CodeGeneration.TypeLoadMode = TypeLoadMode.Static;
            // The bench assembly holds many classes; only this handler is Wolverine's.
            opts.Discovery.DisableConventionalDiscovery().IncludeType<AgentCommandHandler>();
            // Agent commands must survive a crash: stored with the sender's transaction, handled from the inbox.
            opts.Policies.UseDurableLocalQueues();
            opts.Policies.AutoApplyTransactions();
        });
    }
}
