using System.Diagnostics;
using Npgsql;

namespace ZeroLagHub.Bench;

/// <summary>
/// A fresh database for one benchmark run, on the server named by <c>ZLH_POSTGRES</c> or, without it,
/// on a throwaway server started with <c>scripts/services.sh</c>. Disposing drops the database and
/// stops a server this run started, so a run leaves nothing behind. Other options in <c>ZLH_POSTGRES</c>
/// (pool settings such as <c>No Reset On Close</c>) carry over to the benchmark's pool, to measure them.
/// </summary>
internal sealed class BenchDatabase : IAsyncDisposable
{
    private readonly string _adminConnectionString;
    private readonly ThrowawayServer? _server;

    private BenchDatabase(string adminConnectionString, string name, string connectionString, NpgsqlDataSource dataSource, ThrowawayServer? server)
    {
        _adminConnectionString = adminConnectionString;
        Name = name;
        ConnectionString = connectionString;
        DataSource = dataSource;
        _server = server;
    }

    public string Name { get; }

    /// <summary>The benchmark database's connection string (the pool's), e.g. to hand to an API process with its own settings.</summary>
    public string ConnectionString { get; }

    /// <summary>Pooled connections to the benchmark database.</summary>
    public NpgsqlDataSource DataSource { get; }

    /// <summary>Where the server came from, for the report header.</summary>
    public string ServerOrigin => _server is null ? "ZLH_POSTGRES" : $"started by the benchmark in {_server.Directory}";

    public static async Task<BenchDatabase> CreateAsync(int maxPoolSize, CancellationToken ct)
    {
        var configured = Environment.GetEnvironmentVariable("ZLH_POSTGRES");
        var server = string.IsNullOrWhiteSpace(configured) ? await ThrowawayServer.StartAsync(ct) : null;
        try
        {
            // No pooling for the admin connection: a pooled idle connection would outlive the run, and
            // DROP DATABASE must not find our own connections still open.
            var admin = new NpgsqlConnectionStringBuilder(server?.ConnectionString ?? configured) { Pooling = false };
            var name = $"zlh_bench_{Guid.NewGuid():N}"[..22];
            await using (var connection = new NpgsqlConnection(admin.ConnectionString))
            {
                await connection.OpenAsync(ct);
                await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
                await create.ExecuteNonQueryAsync(ct);
            }

            var bench = new NpgsqlConnectionStringBuilder(admin.ConnectionString)
            {
                Database = name,
                Pooling = true,
                MaxPoolSize = maxPoolSize,
                ApplicationName = "zlh-bench",
            };
            return new BenchDatabase(admin.ConnectionString, name, bench.ConnectionString, CreateDataSource(bench.ConnectionString), server);
        }
        catch
        {
            if (server is not null) await server.DisposeAsync();
            throw;
        }
    }

    // No Reset On Close, as the API's pool: without it every return to the pool sends DISCARD ALL, which
    // also drops the server's cached plans; nothing here leaves session state on a pooled connection.
    private static NpgsqlDataSource CreateDataSource(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.ConnectionStringBuilder.NoResetOnClose = true;
        return builder.Build();
    }

    /// <summary>One setting of the server, for the report header (fsync decides what the numbers mean).</summary>
    public async Task<string> ShowAsync(string setting, CancellationToken ct)
    {
        await using var command = DataSource.CreateCommand($"SHOW {setting}");
        return (string)(await command.ExecuteScalarAsync(ct))!;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            // Closes the pool's idle connections first; FORCE ends any a cancelled writer left behind.
            await DataSource.DisposeAsync();
            await using var connection = new NpgsqlConnection(_adminConnectionString);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
        finally
        {
            if (_server is not null) await _server.DisposeAsync();
        }
    }

    /// <summary>A PostgreSQL (and Redis, which the script also starts) in a temporary directory.</summary>
    private sealed class ThrowawayServer : IAsyncDisposable
    {
        private readonly string _script;

        private ThrowawayServer(string script, string directory, string connectionString)
        {
            _script = script;
            Directory = directory;
            ConnectionString = connectionString;
        }

        public string Directory { get; }
        public string ConnectionString { get; }

        public static async Task<ThrowawayServer> StartAsync(CancellationToken ct)
        {
            var script = Path.Combine(RepoRoot.Find(), "scripts", "services.sh");
            var directory = System.IO.Directory.CreateTempSubdirectory("zlh-bench-").FullName;
            Console.Error.WriteLine($"ZLH_POSTGRES is not set; starting a throwaway PostgreSQL in {directory}");
            try
            {
                // Without --fast: fsync stays on, so commits cost what they cost in production.
                var output = await RunScriptAsync(script, directory, "start", ct);
                // The superuser: the benchmark creates and drops its database (ZLH_POSTGRES is the API's role).
                const string prefix = "ZLH_POSTGRES_ADMIN='";
                var line = output.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal) && l.EndsWith('\''))
                    ?? throw new InvalidOperationException($"services.sh start printed no ZLH_POSTGRES_ADMIN line:\n{output}");
                return new ThrowawayServer(script, directory, line[prefix.Length..^1]);
            }
            catch
            {
                await StopAsync(script, directory);
                throw;
            }
        }

        public ValueTask DisposeAsync() => new(StopAsync(_script, Directory));

        // `destroy` stops both servers and deletes their work directory (ours alone: it is a fresh temp dir).
        private static Task StopAsync(string script, string directory) =>
            RunScriptAsync(script, directory, "destroy", CancellationToken.None);

        private static async Task<string> RunScriptAsync(string script, string directory, string verb, CancellationToken ct)
        {
            var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add(script);
            start.ArgumentList.Add(verb);
            start.Environment["ZLH_SERVICES_DIR"] = directory;
            using var process = Process.Start(start) ?? throw new InvalidOperationException("could not run bash");
            var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
            var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
            // Not cancellable: abandoning a half-started server would leak it; the script bounds its own waits.
            await process.WaitForExitAsync(CancellationToken.None);
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"services.sh {verb} exited with {process.ExitCode}: {(await stderr).Trim()}");
            ct.ThrowIfCancellationRequested();
            return await stdout;
        }
    }
}
