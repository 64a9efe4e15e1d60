using System.Globalization;

namespace ZeroLagHub.Projections.Status;

/// <summary>
/// Where a status row stands in the log: the (transaction id, position) of the event that last changed it.
/// The status projection applies events in exactly this order, so a row changed later always has a greater
/// cursor; the position alone does not (a late-committing transaction carries older positions). Written
/// <c>tx-position</c>, which is what a status stream sends as its event id.
/// </summary>
public readonly record struct StatusCursor(ulong Transaction, long Position) : IComparable<StatusCursor>
{
    public static readonly StatusCursor Start = new(0, 0);

    public int CompareTo(StatusCursor other) =>
        Transaction != other.Transaction ? Transaction.CompareTo(other.Transaction) : Position.CompareTo(other.Position);

    public static bool operator >(StatusCursor a, StatusCursor b) => a.CompareTo(b) > 0;
    public static bool operator <(StatusCursor a, StatusCursor b) => a.CompareTo(b) < 0;
    public static bool operator >=(StatusCursor a, StatusCursor b) => a.CompareTo(b) >= 0;
    public static bool operator <=(StatusCursor a, StatusCursor b) => a.CompareTo(b) <= 0;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Transaction}-{Position}");

    public static bool TryParse(string? text, out StatusCursor cursor)
    {
        cursor = Start;
        var dash = text?.IndexOf('-') ?? -1;
        if (dash <= 0
            || !ulong.TryParse(text.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var transaction)
            || !long.TryParse(text.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var position))
            return false;
        cursor = new StatusCursor(transaction, position);
        return true;
    }
}
