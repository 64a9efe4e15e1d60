using Microsoft.Extensions.Options;

namespace ZeroLagHub.Api.Ide;

/// <summary>The parsed <see cref="IdeOptions.HostPattern"/>, once per process (a bad pattern fails at start-up).</summary>
public sealed class IdeHostPatternHolder(IOptions<IdeOptions> options)
{
    public IdeHostPattern? Pattern { get; } = IdeHostPattern.Parse(options.Value.HostPattern);
}
