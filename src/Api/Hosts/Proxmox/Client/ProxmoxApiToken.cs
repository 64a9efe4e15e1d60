namespace ZeroLagHub.Api.Hosts.Proxmox.Client;

/// <summary>
/// A Proxmox API token, <c>USER@REALM!TOKENID</c> plus its secret. The secret leaves this type only in
/// the <c>Authorization</c> header; <see cref="ToString"/> and <see cref="Redact"/> keep it out of
/// every log line and exception message.
/// </summary>
public sealed class ProxmoxApiToken
{
    private readonly string _secret;

    public ProxmoxApiToken(string tokenId, string secret)
    {
        // USER@REALM!TOKENID: a token id without '@' and '!' is a user name, not a token.
        var at = tokenId.IndexOf('@');
        var bang = tokenId.IndexOf('!');
        if (at <= 0 || bang <= at + 1 || bang == tokenId.Length - 1)
            throw new ArgumentException(
                $"'{tokenId}' is not a Proxmox API token id: expected USER@REALM!TOKENID, e.g. zlh@pve!control-plane", nameof(tokenId));
        if (string.IsNullOrWhiteSpace(secret))
            throw new ArgumentException("The Proxmox API token secret is empty.", nameof(secret));
        TokenId = tokenId;
        _secret = secret.Trim();
    }

    /// <summary><c>USER@REALM!TOKENID</c>: not a secret.</summary>
    public string TokenId { get; }

    /// <summary>The value of the <c>Authorization</c> header. Never log it.</summary>
    internal string HeaderValue => $"PVEAPIToken={TokenId}={_secret}";

    /// <summary>Removes the secret from text that may have met it (exception messages, server echoes).</summary>
    public string Redact(string text) =>
        text.Contains(_secret, StringComparison.Ordinal) ? text.Replace(_secret, "***", StringComparison.Ordinal) : text;

    public override string ToString() => $"{TokenId}=***";
}
