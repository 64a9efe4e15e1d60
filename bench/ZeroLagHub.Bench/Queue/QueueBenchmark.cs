using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using JasperFx;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using NpgsqlTypes;
using Wolverine.Marten;
using Wolverine.Runtime;

namespace ZeroLagHub.Bench.Queue;

/// <summary>
/// Agent commands through a Wolverine durable local queue fed by the Marten outbox (issue 19): 4 senders,
/// each publishing one command in a transaction of its own, the handler recording completion; measured end
/// to end, sent → handled, as messages per second. The floor beside it, in the same run on the same
/// database: 4 concurrent autocommitted single-row INSERTs of the same JSON into a table with no indexes.
/// The ratio is what the outbox, the inbox row, the local hand-off and marking the envelope handled cost on
/// top of writing the command durably once.
/// </summary>
/// <remarks>
/// A queue slice runs the senders for the slice's duration, then waits until every command it sent has been
/// handled; its rate is commands over that whole time, so a handler side that falls behind pays for its
/// backlog. No handler fails, so the retry and dead-letter path is never taken (the run checks that the
/// dead-letter table stayed empty).
/// </remarks>
internal static class QueueBenchmark
{
    public const string Usage = "  queue [--seconds N] [--warmup N]    agent commands: Marten outbox → durable local queue → handler, 4 senders, vs bare INSERT at 4 writers";

    private const int Senders = 4;
    private const double TargetRatio = 0.3;
    private const string BareTable = "public.bare_messages";

    public static async Task<int> RunAsync(string[] args, CancellationToken ct)
    {
        var options = Options.Parse(args, "--seconds", "--warmup");
        var duration = options.Seconds("--seconds", fallback: 10, min: 0.1);
        var warmup = options.Seconds("--warmup", fallback: 2, min: 0);
        var slices = Math.Max(1, (int)Math.Round(duration.TotalSeconds));

        await using var db = await BenchDatabase.CreateAsync(maxPoolSize: 64, ct);
        await using (var create = db.DataSource.CreateCommand($"CREATE TABLE {BareTable} (id uuid NOT NULL, type text NOT NULL, data jsonb NOT NULL)"))
            await create.ExecuteNonQueryAsync(ct);

        var completions = new QueueCompletions();
        using var host = QueueHost.CreateBuilder(db.DataSource, completions).Build();
        Console.Error.WriteLine("starting Wolverine (creates its tables) ...");
        await host.StartAsync(ct);
        try
        {
            var store = host.Services.GetRequiredService<IDocumentStore>();
            var runtime = host.Services.GetRequiredService<IWolverineRuntime>();

            Console.WriteLine($"queue benchmark: {duration.TotalSeconds:0.##} s of sending per side in {slices} alternating slices, " +
                              $"{warmup.TotalSeconds:0.##} s warm-up per side; {Senders} senders, one command per transaction");
            Console.WriteLine($"server: {await db.ShowAsync("server_version", ct)}, fsync={await db.ShowAsync("fsync", ct)}, " +
                              $"synchronous_commit={await db.ShowAsync("synchronous_commit", ct)} ({db.ServerOrigin}), database {db.Name}");
            Console.WriteLine($"Wolverine {typeof(IWolverineRuntime).Assembly.GetName().Version} + Marten {typeof(IDocumentStore).Assembly.GetName().Version}: " +
                              $"Marten outbox, durable local queue, TypeLoadMode.Static; payload {Json(AgentCommand.New()).Length} B command JSON");
            Console.WriteLine();

            Console.Error.WriteLine("warming up ...");
            if (warmup > TimeSpan.Zero)
            {
                await RunQueueSliceAsync(store, runtime, completions, warmup, ct);
                await RunBareSliceAsync(db.DataSource, warmup, ct);
            }

            Console.Error.WriteLine("measuring ...");
            var ours = new Measurement();
            var bare = new Measurement();
            var slice = duration / slices;
            for (var i = 0; i < slices; i++)
            {
                // ABBA: drift (table growth, WAL recycling, autovacuum, other jobs) lands on both sides.
                if (i % 2 == 0)
                {
                    ours.Add(await RunQueueSliceAsync(store, runtime, completions, slice, ct));
                    bare.Add(await RunBareSliceAsync(db.DataSource, slice, ct));
                }
                else
                {
                    bare.Add(await RunBareSliceAsync(db.DataSource, slice, ct));
                    ours.Add(await RunQueueSliceAsync(store, runtime, completions, slice, ct));
                }
            }

            Print(ours, bare, await CountDeadLettersAsync(db.DataSource, ct));
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
        // A report, not a gate: a FAIL still exits 0.
        return 0;
    }

    /// <summary>Senders publish until the deadline; then the slice waits for the handler to catch up.</summary>
    private static async Task<Measurement> RunQueueSliceAsync(IDocumentStore store, IWolverineRuntime runtime, QueueCompletions completions,
        TimeSpan duration, CancellationToken ct)
    {
        completions.TakeLatencies();
        var before = completions.Count;
        var start = Stopwatch.GetTimestamp();
        var deadline = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var sent = await Task.WhenAll(Enumerable.Range(0, Senders).Select(_ => Task.Run(async () =>
        {
            var calls = new LatencyRecorder();
            long count = 0;
            while (Stopwatch.GetTimestamp() < deadline)
            {
                var callStart = Stopwatch.GetTimestamp();
                // As a command handler would: a session, the outbox enrolled in it, one commit for both.
                await using var session = store.LightweightSession();
                var outbox = new MartenOutbox(runtime, session);
                await outbox.PublishAsync(AgentCommand.New());
                await session.SaveChangesAsync(ct);
                calls.RecordSince(callStart);
                count++;
            }
            return (count, calls);
        }, ct)));
        var total = sent.Sum(s => s.count);

        // In-memory count: no polling of Wolverine's tables inside the measured time.
        while (completions.Count - before < total) await Task.Delay(1, ct);
        var elapsed = Stopwatch.GetElapsedTime(start);

        var measurement = new Measurement { Messages = total, Elapsed = elapsed };
        foreach (var (_, calls) in sent) measurement.Calls.Add(calls);
        measurement.EndToEnd.Add(completions.TakeLatencies());
        return measurement;
    }

    /// <summary>The floor: one autocommitted INSERT per call of the same JSON, serialised per call like a send.</summary>
    private static async Task<Measurement> RunBareSliceAsync(NpgsqlDataSource dataSource, TimeSpan duration, CancellationToken ct)
    {
        const string insert = $"INSERT INTO {BareTable} (id, type, data) VALUES (@id, @type, @data)";
        var start = Stopwatch.GetTimestamp();
        var deadline = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var done = await Task.WhenAll(Enumerable.Range(0, Senders).Select(_ => Task.Run(async () =>
        {
            var calls = new LatencyRecorder();
            long count = 0;
            while (Stopwatch.GetTimestamp() < deadline)
            {
                var callStart = Stopwatch.GetTimestamp();
                var command = AgentCommand.New();
                await using var insertCommand = dataSource.CreateCommand(insert);
                insertCommand.Parameters.Add(new NpgsqlParameter<Guid>("id", command.CommandId));
                insertCommand.Parameters.Add(new NpgsqlParameter<string>("type", nameof(AgentCommand)));
                insertCommand.Parameters.Add(new NpgsqlParameter<string>("data", NpgsqlDbType.Jsonb) { TypedValue = Json(command) });
                await insertCommand.ExecuteNonQueryAsync(ct);
                calls.RecordSince(callStart);
                count++;
            }
            return (count, calls);
        }, ct)));

        var measurement = new Measurement { Messages = done.Sum(d => d.count), Elapsed = Stopwatch.GetElapsedTime(start) };
        foreach (var (_, calls) in done) measurement.Calls.Add(calls);
        return measurement;
    }

    private static string Json(AgentCommand command) => JsonSerializer.Serialize(command, JsonSerializerOptions.Web);

    private static async Task<long> CountDeadLettersAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"SELECT count(*) FROM {QueueHost.Schema}.wolverine_dead_letters");
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    private static void Print(Measurement ours, Measurement bare, long deadLetters)
    {
        const string header = "side                                     msg/s | call p50 ms  p99 ms | sent→handled p50 ms  p99 ms";
        Console.WriteLine(header);
        Console.WriteLine(new string('-', header.Length));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{"bare INSERT x" + Senders,-40} {bare.Rate,8:0} | {bare.Calls.PercentileMs(50),11:0.00} {bare.Calls.PercentileMs(99),7:0.00} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{$"outbox → durable local queue x{Senders}",-40} {ours.Rate,8:0} | {ours.Calls.PercentileMs(50),11:0.00} {ours.Calls.PercentileMs(99),7:0.00} | " +
            $"{ours.EndToEnd.PercentileMs(50),19:0.00} {ours.EndToEnd.PercentileMs(99),7:0.00}"));
        Console.WriteLine();
        Console.WriteLine($"queue msg/s counts commands sent over the time until the last one was handled ({ours.Messages:N0} sent, " +
                          $"{ours.EndToEnd.Count:N0} handled); no handler failed, so the dead-letter path was off: {deadLetters} dead letters.");
        Console.WriteLine("call = one send transaction (session + outbox + commit) or one INSERT; sent→handled = from the send's start to its handler.");
        var ratio = ours.Rate / bare.Rate;
        var verdict = ratio >= TargetRatio ? "PASS" : "FAIL";
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"target: queue throughput >= {TargetRatio}x bare insert at {Senders} writers: {verdict} (ratio {ratio:0.00})"));
    }

    private sealed class Measurement
    {
        public long Messages { get; set; }
        public TimeSpan Elapsed { get; set; }
        public LatencyRecorder Calls { get; } = new();
        public LatencyRecorder EndToEnd { get; } = new();
        public double Rate => Messages / Elapsed.TotalSeconds;

        public void Add(Measurement slice)
        {
            Messages += slice.Messages;
            Elapsed += slice.Elapsed;
            Calls.Add(slice.Calls);
            EndToEnd.Add(slice.EndToEnd);
        }
    }
}

/// <summary>
/// <c>queue-codegen</c>: writes the Wolverine handler adapter the queue benchmark loads in Static mode. Run
/// again when <see cref="AgentCommandHandler"/> or <see cref="QueueHost"/>'s policies change (Static mode fails at
/// start-up otherwise, naming the missing type). Connects to no database.
/// </summary>
internal static class QueueCodegen
{
    public const string Command = "queue-codegen";

    public static async Task<int> RunAsync(string[] args, CancellationToken ct)
    {
        Options.Parse(args);
        await using var dataSource = NpgsqlDataSource.Create("Host=localhost;Database=codegen-only");
        var builder = QueueHost.CreateBuilder(dataSource, new QueueCompletions(), QueueHost.GeneratedCodePath(RepoRoot.Find()));
        using var host = builder.Build();
        return await host.RunJasperFxCommands(["codegen", "write"]);
    }
}
