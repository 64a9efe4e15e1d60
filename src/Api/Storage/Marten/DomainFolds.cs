namespace ZeroLagHub.Api.Storage.Marten;

/// <summary>
/// The domain folds registered with Marten as live aggregations (one per state type), so a read can check
/// it is folded with the <c>Evolve</c> its caller means.
/// </summary>
public sealed class DomainFolds
{
    private readonly Dictionary<Type, object> _byState = [];

    public DomainFolds Add<TState>(DomainFold<TState> fold)
    {
        _byState.Add(typeof(TState), fold);
        return this;
    }

    public IEnumerable<object> All => _byState.Values;

    /// <exception cref="InvalidOperationException"><typeparamref name="TState"/> has no fold, or another Evolve.</exception>
    public void Require<TState>(TState initial, Func<TState, object, TState> evolve)
    {
        if (_byState.GetValueOrDefault(typeof(TState)) is not DomainFold<TState> fold)
            throw new InvalidOperationException($"no Marten fold is registered for {typeof(TState).Name}");
        if (fold.EvolveState.Method != evolve.Method || !Equals(fold.Initial, initial))
            throw new InvalidOperationException($"{typeof(TState).Name} is folded by Marten with {fold.EvolveState.Method.Name}, not {evolve.Method.Name}");
    }
}
