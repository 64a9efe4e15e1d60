using Npgsql;
using ZeroLagHub.Api.Commands;

namespace ZeroLagHub.Api.Tests.Containers;

/// <summary>
/// What makes a command decide again instead of failing: besides a version conflict, a transaction PostgreSQL aborted
/// for a concurrent one. Two racing commands on one container once deadlocked in Marten's append (their streams' rows
/// locked in turn) and the loser answered 500 (CI caught it in <see cref="ConcurrentCommandTests"/>).
/// </summary>
public sealed class ConflictTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task ADeadlockPostgresBrokeIsAConflictToDecideAgainAlsoAsMartenWrapsItAndOtherFailuresAreNot()
    {
        var deadlock = await DeadlockAsync();

        Assert.Equal(PostgresErrorCodes.DeadlockDetected, deadlock.SqlState);
        Assert.True(ControlPlaneTransaction.IsConflict(deadlock));
        // Marten hands it over inside its own exception (SessionTransactionUnusableException).
        Assert.True(ControlPlaneTransaction.IsConflict(new InvalidOperationException("the session is unusable", deadlock)));
        var unique = new PostgresException("duplicate key", "ERROR", "ERROR", PostgresErrorCodes.UniqueViolation);
        Assert.False(ControlPlaneTransaction.IsConflict(new InvalidOperationException("the session is unusable", unique)));
    }

    /// <summary>A real deadlock: two transactions each holding a row the other then asks for; PostgreSQL aborts one.</summary>
    private async Task<PostgresException> DeadlockAsync()
    {
        var table = $"deadlock_{Guid.NewGuid():N}";
        await using var db = NpgsqlDataSource.Create(api.Database.AdminConnectionString);
        await using (var create = db.CreateCommand($"CREATE TABLE {table} (id int PRIMARY KEY); INSERT INTO {table} VALUES (1), (2)"))
            await create.ExecuteNonQueryAsync();
        await using var a = await db.OpenConnectionAsync();
        await using var b = await db.OpenConnectionAsync();
        await using var ta = await a.BeginTransactionAsync();
        await using var tb = await b.BeginTransactionAsync();
        await LockAsync(ta, 1);
        await LockAsync(tb, 2);

        var first = LockAsync(ta, 2);
        var second = LockAsync(tb, 1);
        // The victim fails after deadlock_timeout. It need not be the first to finish: PostgreSQL aborts its transaction
        // at once, which releases its locks, so the other may be answered before the victim's error is read.
        var done = await Task.WhenAny(first, second).WaitAsync(TimeSpan.FromSeconds(30));
        var victim = done.IsFaulted ? done : done == first ? second : first;
        var error = await Record.ExceptionAsync(() => victim.WaitAsync(TimeSpan.FromSeconds(30)));
        await (victim == first ? ta : tb).RollbackAsync();
        await (victim == first ? second : first).WaitAsync(TimeSpan.FromSeconds(30));
        return Assert.IsType<PostgresException>(error);

        async Task LockAsync(NpgsqlTransaction tx, int id)
        {
            await using var command = new NpgsqlCommand($"SELECT id FROM {table} WHERE id = {id} FOR UPDATE", tx.Connection, tx);
            await command.ExecuteScalarAsync();
        }
    }
}
