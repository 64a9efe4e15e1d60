using ZeroLagHub.Domain.Containers;
using ZeroLagHub.Domain.Servers;

namespace ZeroLagHub.Cli.Api;

/// <summary><c>POST /api/servers</c>; the API checks it and answers field errors for what is missing.</summary>
/// <param name="Kind"><c>dev</c> or <c>game</c>.</param>
public sealed record CreateContainerBody(
    string Kind, string Name, string? Runtime, string? Version, IReadOnlyList<string> Addons, ServerSpec? Server, ContainerResources? Resources,
    IReadOnlyList<PublishedPort>? Ports = null);
