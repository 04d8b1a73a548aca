using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Digest.IntegrationTests.Infrastructure;

/// <summary>Errors the running application logged, so a test that meets a 500 can say why instead of only that.</summary>
public sealed class ErrorLog : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _entries = new();

    public override string ToString() => _entries.IsEmpty ? "(the application logged no error)" : string.Join("\n---\n", _entries);

    public ILogger CreateLogger(string categoryName) => new Sink(categoryName, _entries);

    public void Dispose() { }

    private sealed class Sink(string category, ConcurrentQueue<string> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel)) entries.Enqueue($"{category}: {formatter(state, exception)}\n{exception}");
        }
    }
}
