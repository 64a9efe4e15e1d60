using ZeroLagHub.Domain.Agent;
using ZeroLagHub.Domain.Containers;
using ZeroLagHub.Domain.Servers;

namespace ZeroLagHub.Api.Containers;

/// <summary><c>POST /api/servers</c>. Everything optional here so that a missing field gets a field error, not a binding failure.</summary>
public sealed record CreateContainerRequest(
    ContainerKind? Kind,
    string? Name,
    string? Runtime,
    string? Version,
    IReadOnlyList<string>? Addons,
    ServerSpec? Server,
    ContainerResources? Resources,
    IReadOnlyList<PublishedPort>? Ports = null)
{
    /// <summary>The spec the domain validates; null with field errors when the request cannot make one.</summary>
    public (ContainerSpec? Spec, Dictionary<string, string[]> Errors) ToSpec()
    {
        var errors = new Dictionary<string, string[]>();
        if (Kind is null) errors["kind"] = ["required: dev or game"];
        if (string.IsNullOrWhiteSpace(Name)) errors["name"] = ["required"];
        return errors.Count > 0
            ? (null, errors)
            : (new ContainerSpec(Kind!.Value, Name!, Runtime, Version, Addons ?? [], Server, Resources ?? new ContainerResources()) { Ports = Ports ?? [] }, errors);
    }
}
