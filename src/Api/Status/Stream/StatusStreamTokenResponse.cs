namespace ZeroLagHub.Api.Status.Stream;

/// <summary>A status-stream token (60 s) and the stream URL that carries it, for <c>new EventSource(url)</c>.</summary>
public sealed record StatusStreamTokenResponse(string Token, DateTimeOffset ExpiresAt, string Url);
