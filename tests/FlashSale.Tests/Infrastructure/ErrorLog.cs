using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace FlashSale.Tests.Infrastructure;

/// <summary>
/// The server's error logs (exceptions included), kept for a test to print when it fails: an unexpected 500 in a fault
/// drill is otherwise only its status, and the test host's console is not in CI's log. <paramref name="events"/>, when
/// given, keeps only those event ids (a test of a few Information lines among a server's many).
/// </summary>
public sealed class ErrorLog(LogLevel minimum = LogLevel.Error, params int[] events) : ILoggerProvider, ILogger
{
    private readonly ConcurrentQueue<string> _entries = new();

    public IReadOnlyCollection<string> Entries => _entries;

    public ILogger CreateLogger(string categoryName) => this;

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel) && _entries.Count < 200 && (events.Length == 0 || events.Contains(eventId.Id)))
        {
            _entries.Enqueue($"{logLevel} {eventId.Id} {formatter(state, exception)}{(exception is null ? "" : "\n" + exception)}");
        }
    }

    public void Dispose()
    {
    }
}
