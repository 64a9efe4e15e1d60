using JasperFx.Events;
using Marten.Events.Aggregation;

namespace ZeroLagHub.Api.Storage.Marten;

/// <summary>A stream folded by Marten: the domain's state and the version of the last event folded in.</summary>
public sealed record Folded<TState>(Guid Id, TState State, long Version);

/// <summary>
/// Live aggregation of one kind of stream with the domain's own <c>Evolve</c>: Marten reads the events
/// (upcast, in order) and this applies them, so the domain stays pure and no SQL folds a stream by hand.
/// </summary>
public sealed class DomainFold<TState> : SingleStreamProjection<Folded<TState>, Guid>
{
    public DomainFold(TState initial, Func<TState, object, TState> evolve)
    {
        Initial = initial;
        EvolveState = evolve;
    }

    public TState Initial { get; }

    public Func<TState, object, TState> EvolveState { get; }

    public override Folded<TState> Evolve(Folded<TState>? snapshot, Guid id, IEvent e) =>
        new(id, EvolveState(snapshot is null ? Initial : snapshot.State, e.Data), e.Version);
}
