namespace ZeroLagHub.Api.Anchoring;

/// <summary>An anchor file: the checkpoint and its signature.</summary>
/// <param name="KeyId">Which key signed it (<see cref="AnchorKey.KeyId"/>).</param>
/// <param name="Algorithm"><c>ES256</c>: ECDSA P-256 over SHA-256 of <see cref="Checkpoint.SignedBytes"/>.</param>
/// <param name="Signature">Base64 of the IEEE P1363 (r‖s) signature.</param>
public sealed record SignedCheckpoint(Checkpoint Checkpoint, string KeyId, string Algorithm, string Signature)
{
    public const string Es256 = "ES256";
}
