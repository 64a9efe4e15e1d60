namespace ZeroLagHub.Cli.Api;

/// <summary>What <c>GET /api/audit/export</c> exports: one stream, or every event in a time range [Since, Until).</summary>
public sealed record ExportQuery(string? Stream, DateTimeOffset? Since, DateTimeOffset? Until);
