namespace ZeroLagHub.Api.Console;

/// <summary>A single-use console token (60 s) and the socket URL that uses it.</summary>
public sealed record ConsoleTokenResponse(string Token, DateTimeOffset ExpiresAt, string Url);
