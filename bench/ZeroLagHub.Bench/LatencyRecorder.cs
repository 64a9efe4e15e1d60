using System.Diagnostics;

namespace ZeroLagHub.Bench;

/// <summary>
/// Keeps every sample and sorts them for percentiles: exact, and cheap enough at the few hundred
/// thousand calls a run makes. Not thread-safe on purpose: give each writer its own recorder (no
/// lock on the measured path) and <see cref="Add"/> them together afterwards.
/// </summary>
internal sealed class LatencyRecorder
{
    private readonly List<long> _ticks = [];
    private bool _sorted = true;

    public int Count => _ticks.Count;

    /// <summary>Records the time since <paramref name="startTimestamp"/>, a <see cref="Stopwatch.GetTimestamp"/> value.</summary>
    public void RecordSince(long startTimestamp)
    {
        _ticks.Add(Stopwatch.GetTimestamp() - startTimestamp);
        _sorted = false;
    }

    /// <summary>Records a latency already measured, in <see cref="Stopwatch"/> ticks.</summary>
    public void Record(long elapsedTicks)
    {
        _ticks.Add(elapsedTicks);
        _sorted = false;
    }

    public void Add(LatencyRecorder other)
    {
        _ticks.AddRange(other._ticks);
        _sorted = false;
    }

    /// <summary>The nearest-rank percentile in milliseconds; NaN with no samples.</summary>
    public double PercentileMs(double percentile)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(percentile);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percentile, 100);
        if (_ticks.Count == 0) return double.NaN;
        if (!_sorted)
        {
            _ticks.Sort();
            _sorted = true;
        }
        var rank = (int)Math.Ceiling(percentile / 100 * _ticks.Count);
        return _ticks[rank - 1] * 1000.0 / Stopwatch.Frequency;
    }
}
