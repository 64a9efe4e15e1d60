using ZeroLagHub.Api.Audit.Chain;

namespace ZeroLagHub.Api.Anchoring;

/// <summary>The database compared with a checkpoint whose signature verified.</summary>
/// <param name="Discrepancies">Each stream whose history up to its anchored version changed; empty when none did.</param>
public sealed record AnchorVerification(DateTimeOffset CheckpointCreatedAt, string KeyId, int StreamsChecked,
    IReadOnlyList<AnchorDiscrepancy> Discrepancies)
{
    public bool Intact => Discrepancies.Count == 0;
}
