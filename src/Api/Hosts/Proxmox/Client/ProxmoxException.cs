using System.Net;

namespace ZeroLagHub.Api.Hosts.Proxmox.Client;

/// <summary>
/// Proxmox refused or failed a call. Messages never contain the token secret (the client redacts
/// them). <see cref="StatusCode"/> is null when no HTTP answer came back (network, TLS, task failures).
/// </summary>
public class ProxmoxException(string message, HttpStatusCode? statusCode = null, Exception? inner = null)
    : Exception(message, inner)
{
    public HttpStatusCode? StatusCode { get; } = statusCode;
}
