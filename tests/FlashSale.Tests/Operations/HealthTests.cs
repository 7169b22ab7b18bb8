using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using FlashSale.Operations;
using Microsoft.Extensions.DependencyInjection;
using FlashSale.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace FlashSale.Tests.Operations;

public sealed class HealthTests : IAsyncLifetime
{
    private readonly TestApp _app = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Ready_TurnsUnready_WhileTheStoreIsLocked_AndReadyAgainAfter()
    {
        var client = _app.CreateClient();
        using (var ready = await client.GetAsync("/health/ready"))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }

        // Another process holding the database's write lock: the store cannot take purchases.
        using (var blocker = new SqliteConnection($"Data Source={Path.Combine(_app.DataPath, "flashsale.db")};Pooling=False"))
        {
            blocker.Open();
            using var tx = blocker.BeginTransaction();
            using (var write = blocker.CreateCommand())
            {
                write.Transaction = tx;
                write.CommandText = "UPDATE sales SET description = description";
                write.ExecuteNonQuery();
            }

            // A result is shared for StoreHealthCheck.Fresh: the next one looks again.
            await Task.Delay(StoreHealthCheck.Fresh + TimeSpan.FromMilliseconds(50));
            var asked = Stopwatch.StartNew();
            using var unready = await client.GetAsync("/health/ready");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, unready.StatusCode);
            // The probe gives up within its own bound (~1 s), not the writers' 10 s busy timeout it once waited out.
            Assert.True(asked.Elapsed < TimeSpan.FromSeconds(5), $"the unready answer took {asked.Elapsed}");
            Assert.NotNull(unready.Headers.RetryAfter);
            Assert.Equal("sqlite: unavailable", await StoreDescriptionAsync(unready));
            // The bare address answers as readiness does (it was a 404 until 2026-12-07).
            using var bare = await client.GetAsync("/health");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, bare.StatusCode);
            Assert.Equal("sqlite: unavailable", await StoreDescriptionAsync(bare));
            using var live = await client.GetAsync("/health/live");
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
            tx.Rollback();
        }

        await Task.Delay(StoreHealthCheck.Fresh + TimeSpan.FromMilliseconds(50));
        using var again = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        using var bareAgain = await client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, bareAgain.StatusCode);
    }

    [Fact]
    public async Task AFloodOfReadinessProbes_RunsOneCheckPerFreshPeriod()
    {
        var probe = new CountingProbe();
        await using var app = new TestApp(services: s => s.AddSingleton<IStoreProbe>(probe));
        var client = app.CreateClient();
        using (var first = await client.GetAsync("/health/ready"))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        var before = probe.Checks;
        var flooding = Stopwatch.StartNew();
        var flood = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => client.GetAsync("/health/ready")));
        var periods = (int)(flooding.Elapsed / StoreHealthCheck.Fresh) + 1;
        Assert.All(flood, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));

        // Each probe took SQLite's write lock (or pinged every store): 200 probes were 200 checks. Now at most one per Fresh
        // period the flood lasted.
        var checks = probe.Checks - before;
        Assert.InRange(checks, 0, Math.Min(periods, 50));

        // And a result no older than Fresh: the next probe after it looks again.
        await Task.Delay(StoreHealthCheck.Fresh + TimeSpan.FromMilliseconds(50));
        using (var later = await client.GetAsync("/health/ready"))
        {
            Assert.Equal(HttpStatusCode.OK, later.StatusCode);
        }

        Assert.Equal(before + checks + 1, probe.Checks);
        foreach (var response in flood)
        {
            response.Dispose();
        }
    }

    /// <summary>
    /// The answer is public: it names the check that failed and a word for how, never the exception (until 2026-12-06
    /// "failing: InvalidDataException", a fingerprint of the server's internals). The log has the type and message, once
    /// per change.
    /// </summary>
    [Fact]
    public async Task AFailingCheck_IsNamedWithoutItsException_WhichTheLogHasOncePerChange()
    {
        var probe = new FailingProbe();
        var logs = new CapturedLogs();
        await using var app = new TestApp(services: s => s.AddSingleton<IStoreProbe>(probe).AddSingleton<ILoggerProvider>(logs));
        var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, await ReadyAfterFreshAsync(client));

        probe.Failure = new InvalidDataException("internal detail at 10.1.2.3");
        for (var i = 0; i < 3; i++)
        {
            await Task.Delay(StoreHealthCheck.Fresh + TimeSpan.FromMilliseconds(50));
            using var unready = await client.GetAsync("/health/ready");
            var body = await unready.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.ServiceUnavailable, unready.StatusCode);
            Assert.Equal("failing: unavailable", JsonNode.Parse(body)!["checks"]!["store"]!["description"]!.GetValue<string>());
            Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
            Assert.DoesNotContain("10.1.2.3", body, StringComparison.Ordinal);
        }

        probe.Failure = new TimeoutException("internal detail");
        await Task.Delay(StoreHealthCheck.Fresh + TimeSpan.FromMilliseconds(50));
        using (var timedOut = await client.GetAsync("/health/ready"))
        {
            Assert.Equal("failing: timeout", await StoreDescriptionAsync(timedOut));
        }

        probe.Failure = null;
        Assert.Equal(HttpStatusCode.OK, await ReadyAfterFreshAsync(client));

        Assert.Equal(
            [
                "6003 Readiness check failing fails: System.IO.InvalidDataException: internal detail at 10.1.2.3",
                "6003 Readiness check failing fails: System.TimeoutException: internal detail",
                "6004 Readiness check failing answers again",
            ],
            logs.Lines.Where(l => l.Contains("check failing", StringComparison.Ordinal)));
    }

    private static async Task<HttpStatusCode> ReadyAfterFreshAsync(HttpClient client)
    {
        await Task.Delay(StoreHealthCheck.Fresh + TimeSpan.FromMilliseconds(50));
        using var response = await client.GetAsync("/health/ready");
        return response.StatusCode;
    }

    private static async Task<string> StoreDescriptionAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!["checks"]!["store"]!["description"]!.GetValue<string>();

    /// <summary>A store probe that throws <see cref="Failure"/> while it is set.</summary>
    private sealed class FailingProbe : IStoreProbe
    {
        public volatile Exception? Failure;

        public string Name => "failing";

        public Task CheckAsync(CancellationToken ct) => Failure is { } failure ? Task.FromException(failure) : Task.CompletedTask;
    }

    /// <summary>Every log line of <see cref="StoreHealthCheck"/>: its event id and message.</summary>
    private sealed class CapturedLogs : ILoggerProvider, ILogger
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public IEnumerable<string> Lines => _lines;

        public ILogger CreateLogger(string categoryName) =>
            categoryName == typeof(StoreHealthCheck).FullName ? this : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            _lines.Enqueue($"{eventId.Id} {formatter(state, exception)}");

        public void Dispose()
        {
        }
    }

    /// <summary>A store probe that counts its checks (the real ones run beside it).</summary>
    private sealed class CountingProbe : IStoreProbe
    {
        private int _checks;

        public int Checks => Volatile.Read(ref _checks);

        public string Name => "counting";

        public Task CheckAsync(CancellationToken ct)
        {
            Interlocked.Increment(ref _checks);
            return Task.CompletedTask;
        }
    }
}
