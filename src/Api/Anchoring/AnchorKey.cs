using System.Security.Cryptography;
using ZeroLagHub.Api.Storage;

namespace ZeroLagHub.Api.Anchoring;

/// <summary>
/// The key that signs checkpoints: ECDSA P-256, in a key file the database never sees, so someone who
/// can rewrite the event tables cannot sign a checkpoint that agrees with the rewrite. Asymmetric
/// (.NET has no Ed25519) so that verifiers need only <see cref="PublicKeyPem"/>.
/// </summary>
public sealed class AnchorKey : IDisposable
{
    private readonly ECDsa _key;

    private AnchorKey(ECDsa key, string source)
    {
        _key = key;
        Source = source;
        KeyId = Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo()))[..16];
        PublicKeyPem = key.ExportSubjectPublicKeyInfoPem();
    }

    /// <summary>The key file's path.</summary>
    public string Source { get; }

    /// <summary>The first 16 hex digits of SHA-256 over the public key: names the key in every checkpoint.</summary>
    public string KeyId { get; }

    public string PublicKeyPem { get; }

    public override string ToString() => $"anchor key {KeyId} from {Source}";

    public static AnchorKey Load(string path)
    {
        var (pkcs8, _) = KeyFile.ReadOrCreate(path, () =>
        {
            using var fresh = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            return fresh.ExportPkcs8PrivateKey();
        });
        var key = ECDsa.Create();
        try
        {
            key.ImportPkcs8PrivateKey(pkcs8, out _);
        }
        catch (CryptographicException)
        {
            key.Dispose();
            throw new InvalidOperationException($"the key file {path} does not hold a PKCS#8 ECDSA key; delete it to generate a new one");
        }
        return new AnchorKey(key, path);
    }

    /// <returns>The IEEE P1363 signature (r‖s) over SHA-256 of <paramref name="data"/>.</returns>
    public byte[] Sign(byte[] data) => _key.SignData(data, HashAlgorithmName.SHA256);

    public bool Verify(byte[] data, byte[] signature) => _key.VerifyData(data, signature, HashAlgorithmName.SHA256);

    public void Dispose() => _key.Dispose();
}
