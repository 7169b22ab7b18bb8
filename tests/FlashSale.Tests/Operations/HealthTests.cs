using System.Diagnostics;
using System.Net;
using FlashSale.Operations;
using Microsoft.Extensions.DependencyInjection;
using FlashSale.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

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
            using var unready = await client.GetAsync("/health/ready");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, unready.StatusCode);
            Assert.NotNull(unready.Headers.RetryAfter);
            using var live = await client.GetAsync("/health/live");
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
            tx.Rollback();
        }

        await Task.Delay(StoreHealthCheck.Fresh + TimeSpan.FromMilliseconds(50));
        using var again = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
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
