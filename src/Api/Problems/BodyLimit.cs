namespace ZeroLagHub.Api.Problems;

/// <summary>
/// Endpoint metadata: how large a request body this route reads. Every route without it gets
/// <see cref="Default"/>; <see cref="Unlimited"/> is for the forwarders (the IDE), whose bodies are the
/// user's own traffic streamed through, never buffered or read by the API.
/// </summary>
public sealed record BodyLimit(long Bytes)
{
    /// <summary>64 KiB: a create with every field at its bound is about 20 KiB of JSON.</summary>
    public const long DefaultBytes = 64 * 1024;

    public static BodyLimit Default { get; } = new(DefaultBytes);

    public static BodyLimit Unlimited { get; } = new(long.MaxValue);
}

public static class BodyLimitExtensions
{
    public static TBuilder WithBodyLimit<TBuilder>(this TBuilder builder, BodyLimit limit) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(limit);
}
