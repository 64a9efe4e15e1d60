using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using ZeroLagHub.Agent.Hosting;
using ZeroLagHub.Domain.Agent;

namespace ZeroLagHub.Agent.Journal;

/// <summary>
/// The agent's append-only record of what the control plane must not miss: one JSON line per fact,
/// fsynced before the caller goes on, numbered by a gap-free <c>seq</c> under a journal id created with
/// the journal. A snapshot restore brings back an older file (rewound seq) and a fresh container a new
/// id, so the control plane can tell either from a continuation.
/// </summary>
public sealed class AgentJournal : IDisposable
{
    private readonly Lock _gate = new();
    private readonly FileStream _file;
    private readonly List<long> _offsets = [];   // _offsets[seq - 1] = where that line starts
    private readonly TimeProvider _clock;

    public AgentJournal(IOptions<AgentOptions> options, TimeProvider clock)
    {
        _clock = clock;
        var dir = Path.Combine(options.Value.DataDir, "journal");
        Directory.CreateDirectory(dir);
        JournalId = LoadOrCreateId(Path.Combine(dir, "journal.id"));
        _file = new FileStream(Path.Combine(dir, "journal.jsonl"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        Index();
    }

    public Guid JournalId { get; }

    public long LatestSeq { get { lock (_gate) return _offsets.Count; } }

    /// <summary>Writes one fact and fsyncs it; returns its seq.</summary>
    public long Append(string kind, object data)
    {
        lock (_gate)
        {
            var seq = _offsets.Count + 1L;
            var entry = new JournalEntry(seq, _clock.GetUtcNow(), kind, JsonSerializer.SerializeToElement(data, JsonSerializerOptions.Web));
            var line = JsonSerializer.SerializeToUtf8Bytes(entry, JsonSerializerOptions.Web);
            _file.Seek(0, SeekOrigin.End);
            _offsets.Add(_file.Position);
            _file.Write(line);
            _file.WriteByte((byte)'\n');
            _file.Flush(flushToDisk: true);
            return seq;
        }
    }

    /// <summary>Entries with seq greater than <paramref name="after"/>, at most <paramref name="limit"/>.</summary>
    public JournalPage Read(long after, int limit)
    {
        lock (_gate)
        {
            var entries = new List<JournalEntry>();
            var first = (int)Math.Clamp(after, 0, _offsets.Count);
            using var reader = new FileStream(_file.Name, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            reader.Seek(first < _offsets.Count ? _offsets[first] : reader.Length, SeekOrigin.Begin);
            using var lines = new StreamReader(reader, Encoding.UTF8);
            for (var i = first; i < _offsets.Count && entries.Count < limit; i++)
                entries.Add(JsonSerializer.Deserialize<JournalEntry>(lines.ReadLine()!, JsonSerializerOptions.Web)!);
            return new JournalPage(JournalId, _offsets.Count, entries);
        }
    }

    /// <summary>Finds every line's start; a torn last line (the agent died mid-write) is cut off.</summary>
    private void Index()
    {
        var buffer = new byte[64 * 1024];
        long position = 0, lineStart = 0;
        int read;
        _file.Seek(0, SeekOrigin.Begin);
        while ((read = _file.Read(buffer)) > 0)
        {
            for (var i = 0; i < read; i++)
            {
                if (buffer[i] != (byte)'\n') continue;
                _offsets.Add(lineStart);
                lineStart = position + i + 1;
            }
            position += read;
        }
        if (lineStart < _file.Length) _file.SetLength(lineStart);
    }

    private static Guid LoadOrCreateId(string path)
    {
        if (File.Exists(path) && Guid.TryParse(File.ReadAllText(path).Trim(), out var id)) return id;
        id = Guid.NewGuid();
        File.WriteAllText(path + ".tmp", id.ToString());
        File.Move(path + ".tmp", path, overwrite: true);
        return id;
    }

    public void Dispose() => _file.Dispose();
}
