namespace ZeroLagHub.Api.Headers;

/// <summary>
/// Endpoint metadata: the answer holds a credential (tokens), so no cache (browser, proxy) may keep it:
/// <see cref="SecurityHeaders"/> adds <c>Cache-Control: no-store</c>. Mark with <c>.WithNoStore()</c>.
/// </summary>
public sealed class NoStore
{
    public static NoStore Instance { get; } = new();

    private NoStore() { }
}

public static class NoStoreExtensions
{
    public static TBuilder WithNoStore<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(NoStore.Instance);
}
