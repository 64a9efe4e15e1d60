using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ZeroLagHub.Api.Tests;

/// <summary>
/// What the API host logged at Error or above, with the exception, for a test's failure message: a 500's cause is in
/// the log, not in the problem document the client gets.
/// </summary>
public sealed class ErrorLog : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _entries = new();

    public ILogger CreateLogger(string categoryName) => new Recorder(categoryName, _entries);

    /// <summary>The last <paramref name="count"/> entries, oldest first, one per line.</summary>
    public string Last(int count = 5) => string.Join("\n", _entries.TakeLast(count));

    public void Dispose() { }

    private sealed class Recorder(string category, ConcurrentQueue<string> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel)) entries.Enqueue($"{category}: {formatter(state, exception)} {exception}");
        }
    }
}
