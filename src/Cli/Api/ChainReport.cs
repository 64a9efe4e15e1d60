namespace ZeroLagHub.Cli.Api;

/// <summary>Every stream's hash chain checked (<c>GET /api/audit/verify</c>).</summary>
public sealed record ChainReport(long StreamsChecked, long EventsChecked, IReadOnlyList<StreamVerification> Broken, bool Intact);
