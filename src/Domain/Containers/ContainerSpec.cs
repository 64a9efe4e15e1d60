using ZeroLagHub.Domain.Agent;
using ZeroLagHub.Domain.Servers;

namespace ZeroLagHub.Domain.Containers;

/// <summary>What a user asks for. Checked by <see cref="ContainerSpecRules"/> before it is ever recorded.</summary>
/// <param name="Name">A DNS label (1–63 lowercase letters, digits, hyphens): it becomes the host name.</param>
/// <param name="Runtime">A catalog runtime (<c>node</c>, <c>java</c>…); given together with <paramref name="Version"/> or not at all.</param>
/// <param name="Addons">Catalog addons as <c>name</c> or <c>name@version</c>; recorded pinned (<c>code-server@4.96.4</c>).</param>
/// <param name="Server">Game servers only: how the server process runs.</param>
public sealed record ContainerSpec(
    ContainerKind Kind,
    string Name,
    string? Runtime,
    string? Version,
    IReadOnlyList<string> Addons,
    ServerSpec? Server,
    ContainerResources Resources)
{
    /// <summary>Ports the host publishes, each on the host's port of the same number (players connect to the well-known one).</summary>
    public IReadOnlyList<PublishedPort> Ports { get; init; } = [];
}
