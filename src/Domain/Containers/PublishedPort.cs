namespace ZeroLagHub.Domain.Containers;

/// <summary>A port the container's code listens on that its host publishes (a game server's, a dev server's).</summary>
/// <param name="Port">1–65535, inside the container.</param>
/// <param name="Protocol"><c>tcp</c> or <c>udp</c>.</param>
public sealed record PublishedPort(int Port, string Protocol = PublishedPort.Tcp)
{
    public const string Tcp = "tcp", Udp = "udp";

    public override string ToString() => $"{Port}/{Protocol}";
}

/// <summary>Where the host published a <see cref="PublishedPort"/>: <paramref name="HostPort"/> on the host's addresses.</summary>
public sealed record HostPort(int Port, string Protocol, int Published)
{
    public override string ToString() => $"{Published}->{Port}/{Protocol}";
}
