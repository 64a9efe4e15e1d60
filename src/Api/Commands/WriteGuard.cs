using Npgsql;
using ZeroLagHub.Domain.Decisions;

namespace ZeroLagHub.Api.Commands;

/// <summary>
/// A rule the domain cannot decide alone because it spans streams (a name unique among an owner's containers):
/// checked inside the write's transaction before anything is written, so what it reads and what is written
/// commit together. A rejection rolls the transaction back; nothing of the command is written.
/// </summary>
public delegate Task<Rejection?> WriteGuard(NpgsqlTransaction tx, CancellationToken ct);
