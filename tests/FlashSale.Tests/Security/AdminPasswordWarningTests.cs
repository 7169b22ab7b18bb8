using System.Collections.Concurrent;
using FlashSale.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FlashSale.Tests.Security;

/// <summary>
/// An admin password from configuration that a buyer could not register with (NewPasswordRules) is said at the start,
/// event 1010, not refused: the operator set it, and a deployment that starts today keeps starting.
/// </summary>
public sealed class AdminPasswordWarningTests
{
    [Theory]
    [InlineData("password123", true)]
    [InlineData("correct horse battery", false)]
    public async Task AGuessableAdminPassword_IsWarnedAboutAtTheStart_AndStillSignsIn(string password, bool warned)
    {
        var logs = new CapturedWarnings();
        await using var app = new TestApp(services: s => s.AddSingleton<ILoggerProvider>(logs),
            settings: new Dictionary<string, string?> { ["Admin:Password"] = password });

        var token = await new Api(app.CreateClient()).TokenAsync("admin", password);

        Assert.False(string.IsNullOrEmpty(token));
        Assert.Equal(warned, logs.Lines.Any(l => l.StartsWith("1010 Warning ", StringComparison.Ordinal)));
    }

    private sealed class CapturedWarnings : ILoggerProvider, ILogger
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public IEnumerable<string> Lines => _lines;

        public ILogger CreateLogger(string categoryName) => categoryName == "FlashSale.Admin" ? this : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                _lines.Enqueue($"{eventId.Id} {logLevel} {formatter(state, exception)}");
            }
        }

        public void Dispose()
        {
        }
    }
}
