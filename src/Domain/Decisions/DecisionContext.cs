using ZeroLagHub.Domain.Agent;

namespace ZeroLagHub.Domain.Decisions;

/// <summary>Everything a decision needs besides the state and the command; time is passed in, never read.</summary>
/// <param name="Catalog">What can be installed; the artifact server's <c>_catalog.json</c>.</param>
public sealed record DecisionContext(DateTimeOffset Now, RuntimeCatalog Catalog, Actor Actor);
