using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ZeroLagHub.Api.Tests.Proxmox;

/// <summary>Keeps every formatted log line (with its exception) so a test can search them for secrets.</summary>
public sealed class CapturingLogger<T> : ILogger<T>
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Lines.Enqueue($"{logLevel} {formatter(state, exception)} {exception}");
}
