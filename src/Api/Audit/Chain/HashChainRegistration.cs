using Marten;

namespace ZeroLagHub.Api.Audit.Chain;

public static class HashChainRegistration
{
    /// <summary>
    /// Chains every event Marten appends, per stream, with SHA-256 (see <see cref="HashChainSchema"/>).
    /// The table, functions and trigger are a Marten schema feature: <c>ApplyAllConfiguredChangesToDatabaseAsync</c>
    /// (or <c>ApplyAllDatabaseChangesOnStartup</c>) creates them after Marten's event tables and keeps them.
    /// </summary>
    public static StoreOptions AddHashChain(this StoreOptions options)
    {
        options.Storage.Add(new HashChainSchema(options));
        return options;
    }
}
