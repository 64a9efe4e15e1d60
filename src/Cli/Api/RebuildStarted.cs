namespace ZeroLagHub.Cli.Api;

/// <summary>The 202 of <c>POST /api/admin/projections/{name}/rebuild</c>: the generation being built (a running rebuild's, if one was).</summary>
public sealed record RebuildStarted(string Projection, int Generation);
