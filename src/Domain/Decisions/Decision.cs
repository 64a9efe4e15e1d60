namespace ZeroLagHub.Domain.Decisions;

/// <summary>
/// The outcome of <c>Decide</c>: accepted with the events to append (possibly none, when the command
/// asks for what is already true), or rejected.
/// </summary>
public sealed record Decision
{
    private Decision(IReadOnlyList<object> events, Rejection? rejection)
    {
        Events = events;
        Rejection = rejection;
    }

    /// <summary>The events to append, in order; empty when rejected or when there is nothing to change.</summary>
    public IReadOnlyList<object> Events { get; }

    public Rejection? Rejection { get; }

    public bool IsAccepted => Rejection is null;

    public static Decision Accept(params object[] events) => new(events, null);

    /// <summary>Accepted, nothing to append: the state already is what the command asks for.</summary>
    public static Decision AlreadyDone { get; } = new([], null);

    public static Decision Reject(Rejection rejection) => new([], rejection);

    public static implicit operator Decision(Rejection rejection) => Reject(rejection);
}
