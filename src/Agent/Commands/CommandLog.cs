using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using ZeroLagHub.Agent.Hosting;

namespace ZeroLagHub.Agent.Commands;

/// <summary>
/// The first result of every command id, kept on disk so a redelivery after an agent restart still
/// gets it. The control plane's queue delivers at least once; this turns that into "acts once".
/// Concurrent deliveries of one id share the one execution.
/// </summary>
public sealed class CommandLog
{
    private static readonly TimeSpan Retention = TimeSpan.FromDays(7);
    private readonly string _dir;
    private readonly ConcurrentDictionary<string, Lazy<Task<CommandRecord>>> _inFlight = new();

    public CommandLog(IOptions<AgentOptions> options)
    {
        _dir = Path.Combine(options.Value.DataDir, "commands");
        Directory.CreateDirectory(_dir);
        foreach (var old in new DirectoryInfo(_dir).EnumerateFiles().Where(f => f.LastWriteTimeUtc < DateTime.UtcNow - Retention))
            old.Delete();
    }

    /// <summary>Runs <paramref name="execute"/> unless <paramref name="commandId"/> ran before; returns the first record either way.</summary>
    /// <exception cref="CommandIdReusedException">The id was first used for a different operation.</exception>
    public async Task<CommandRecord> RunOnceAsync(string commandId, string operation, Func<Task<CommandRecord>> execute)
    {
        var file = Path.Combine(_dir, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(commandId))) + ".json");
        var run = _inFlight.GetOrAdd(file, _ => new Lazy<Task<CommandRecord>>(() => LoadOrExecute(file, operation, execute)));
        try
        {
            var record = await run.Value;
            if (record.Operation != operation) throw new CommandIdReusedException(commandId, record.Operation);
            return record;
        }
        finally
        {
            _inFlight.TryRemove(new KeyValuePair<string, Lazy<Task<CommandRecord>>>(file, run));
        }
    }

    private static async Task<CommandRecord> LoadOrExecute(string file, string operation, Func<Task<CommandRecord>> execute)
    {
        if (File.Exists(file))
            return JsonSerializer.Deserialize<CommandRecord>(await File.ReadAllBytesAsync(file))!;

        var record = (await execute()) with { Operation = operation };
        var temp = file + ".tmp";
        await File.WriteAllBytesAsync(temp, JsonSerializer.SerializeToUtf8Bytes(record));
        File.Move(temp, file, overwrite: true);
        return record;
    }
}

/// <summary>A command's first outcome: the HTTP status and JSON body that every repeat gets back.</summary>
public sealed record CommandRecord(string Operation, int StatusCode, JsonElement Body, DateTimeOffset At);

public sealed class CommandIdReusedException(string commandId, string firstOperation)
    : Exception($"command id '{commandId}' was already used for {firstOperation}");
