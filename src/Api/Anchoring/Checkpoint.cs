using System.Text.Json;
using ZeroLagHub.EventStore.Reading;

namespace ZeroLagHub.Api.Anchoring;

/// <summary>
/// Every stream's head and the log's last event at <paramref name="CreatedAt"/>: what a signed
/// anchor vouches for.
/// </summary>
/// <param name="Format">Names this layout (<see cref="CurrentFormat"/>).</param>
public sealed record Checkpoint(string Format, DateTimeOffset CreatedAt, LogPosition LastEvent, IReadOnlyList<AnchoredStream> Streams)
{
    public const string CurrentFormat = "zlh-anchor/1";

    internal static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// The bytes the signature covers: this record as compact JSON, camelCase, properties in declared
    /// order. A verifier deserialises the file's <c>checkpoint</c> and serialises it again; every field
    /// round-trips exactly, so the bytes are the signer's.
    /// </summary>
    public byte[] SignedBytes() => JsonSerializer.SerializeToUtf8Bytes(this, Json);
}
