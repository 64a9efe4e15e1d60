using System.Text.Json;

namespace ZeroLagHub.Api.Anchoring;

/// <summary>
/// Every stream's head and the last event's sequence number at <paramref name="CreatedAt"/>: what a
/// signed anchor vouches for.
/// </summary>
/// <param name="Format">Names this layout (<see cref="CurrentFormat"/>).</param>
public sealed record Checkpoint(string Format, DateTimeOffset CreatedAt, long LastSequence, IReadOnlyList<AnchoredStream> Streams)
{
    /// <summary>
    /// 2: heads are links of the chain over Marten's events (Audit/Chain), and the log's end is Marten's
    /// sequence number. 1 was the hand-written store's chain, whose hashes the new tables do not hold.
    /// </summary>
    public const string CurrentFormat = "zlh-anchor/2";

    internal static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// The bytes the signature covers: this record as compact JSON, camelCase, properties in declared
    /// order. A verifier deserialises the file's <c>checkpoint</c> and serialises it again; every field
    /// round-trips exactly, so the bytes are the signer's.
    /// </summary>
    public byte[] SignedBytes() => JsonSerializer.SerializeToUtf8Bytes(this, Json);
}
