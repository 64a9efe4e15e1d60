using ZeroLagHub.Domain.Servers;

namespace ZeroLagHub.Domain.Agent;

/// <summary>
/// <c>POST /provision</c>: prepare a container. Runtime and version must both be given or both be
/// omitted (a game server may need none); each must be listed in the artifact server's catalog.
/// </summary>
/// <param name="Kind">What the control plane believes the container is; must match the agent's own.</param>
/// <param name="Addons">Catalog addon names, optionally pinned as <c>name@version</c> (else the catalog's highest version).</param>
/// <param name="Server">Game containers: how the server runs; kept by the agent, which supervises it from then on.</param>
public sealed record ProvisionRequest(
    ContainerKind? Kind,
    string? Runtime,
    string? Version,
    IReadOnlyList<string>? Addons,
    ServerSpec? Server);
