using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using ZeroLagHub.Api.Audit.Chain;

namespace ZeroLagHub.Api.Anchoring;

/// <summary>
/// Writes signed checkpoints of every stream head to files outside the database, and checks the
/// database against any of them. The files (and the log line carrying each file's digest) are what
/// an operator copies elsewhere: an edit made later with database access — even a consistently
/// rewritten chain, which the hash chain alone cannot reveal — shows up as a stream that no longer
/// matches its anchored head.
/// </summary>
public sealed partial class Anchors(ChainReader reader, AnchorKey key, string directory, TimeProvider time, ILogger<Anchors> logger)
{
    public const string PublicKeyFile = "anchor-public.pem";

    public string Directory { get; } = directory;

    public async Task<AnchorWritten> WriteAsync(CancellationToken ct = default)
    {
        var heads = await reader.HeadsAsync(ct);
        var checkpoint = new Checkpoint(Checkpoint.CurrentFormat, time.GetUtcNow(), heads.LastSequence,
            [.. heads.Heads.Select(h => new AnchoredStream(h.StreamId, h.Version, Convert.ToHexStringLower(h.Hash)))]);
        var signed = new SignedCheckpoint(checkpoint, key.KeyId, SignedCheckpoint.Es256, Convert.ToBase64String(key.Sign(checkpoint.SignedBytes())));
        var bytes = JsonSerializer.SerializeToUtf8Bytes(signed, Checkpoint.Json);

        System.IO.Directory.CreateDirectory(Directory);
        await WritePublicKeyAsync(ct);
        var name = $"anchor-{checkpoint.CreatedAt.UtcDateTime:yyyyMMdd'T'HHmmssfff'Z'}-{Guid.NewGuid().ToString("N")[..6]}.json";
        var path = Path.Combine(Directory, name);
        // Written beside, then renamed: a reader (or a copy job) never sees half a checkpoint.
        var temporary = path + ".tmp";
        await File.WriteAllBytesAsync(temporary, bytes, ct);
        File.Move(temporary, path);

        var digest = Convert.ToHexStringLower(SHA256.HashData(bytes));
        AnchorLog.Written(logger, name, checkpoint.Streams.Count, checkpoint.LastSequence, key.KeyId, digest);
        return new AnchorWritten(name, digest, checkpoint.CreatedAt, checkpoint.Streams.Count, checkpoint.LastSequence);
    }

    /// <summary>Anchor files in the directory, newest first.</summary>
    public IReadOnlyList<string> List() =>
        System.IO.Directory.Exists(Directory)
            ? [.. System.IO.Directory.EnumerateFiles(Directory, "anchor-*.json").Select(Path.GetFileName).OfType<string>()
                .Where(IsAnchorFileName).OrderDescending(StringComparer.Ordinal)]
            : [];

    /// <summary>Only names this class writes: a name is never a path, so nothing outside the directory is read.</summary>
    public static bool IsAnchorFileName(string name) => AnchorFileName().IsMatch(name);

    /// <returns>The anchor, or null when no such file exists.</returns>
    /// <exception cref="JsonException">The file is not an anchor.</exception>
    public async Task<SignedCheckpoint?> LoadAsync(string name, CancellationToken ct = default)
    {
        if (!IsAnchorFileName(name)) throw new ArgumentException($"'{name}' is not an anchor file name", nameof(name));
        var path = Path.Combine(Directory, name);
        if (!File.Exists(path)) return null;
        await using var file = File.OpenRead(path);
        return await JsonSerializer.DeserializeAsync<SignedCheckpoint>(file, Checkpoint.Json, ct);
    }

    /// <summary>Whether this server's anchor key signed exactly this checkpoint.</summary>
    public bool IsSignedByUs(SignedCheckpoint anchor)
    {
        if (anchor.Algorithm != SignedCheckpoint.Es256) return false;
        Span<byte> signature = stackalloc byte[128];
        return Convert.TryFromBase64String(anchor.Signature, signature, out var length)
            && key.Verify(anchor.Checkpoint.SignedBytes(), signature[..length].ToArray());
    }

    /// <summary>Compares the database with a checkpoint; check <see cref="IsSignedByUs"/> first.</summary>
    public async Task<AnchorVerification> CompareAsync(SignedCheckpoint anchor, CancellationToken ct = default)
    {
        var checkpoint = anchor.Checkpoint;
        var heads = checkpoint.Streams.Select(s => new StreamHead(s.Stream, s.Version, Convert.FromHexString(s.Hash))).ToList();
        var discrepancies = await reader.CompareAsync(heads, ct);
        if (discrepancies.Count > 0)
            AnchorLog.Mismatch(logger, checkpoint.CreatedAt, discrepancies.Count, discrepancies[0].StreamId, discrepancies[0].Version);
        return new AnchorVerification(checkpoint.CreatedAt, anchor.KeyId, heads.Count, discrepancies);
    }

    private async Task WritePublicKeyAsync(CancellationToken ct)
    {
        var path = Path.Combine(Directory, PublicKeyFile);
        if (!File.Exists(path)) await File.WriteAllTextAsync(path, key.PublicKeyPem + "\n", ct);
    }

    [GeneratedRegex(@"^anchor-[0-9]{8}T[0-9]{9}Z-[0-9a-f]{6}\.json$")]
    private static partial Regex AnchorFileName();
}
