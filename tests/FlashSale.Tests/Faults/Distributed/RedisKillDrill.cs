using System.Diagnostics;
using System.Net;
using FlashSale.Purchasing;
using FlashSale.Storage.Redis;
using FlashSale.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace FlashSale.Tests.Faults.Distributed;

/// <summary>
/// Fault drill 2: a private redis-server (appendonly yes, appendfsync always, as deploy/redis.conf)
/// is killed with SIGKILL in the middle of a flood, every round, and restarted from its AOF. While
/// it is down every attempt is 503 `unavailable` (a buyer retries the same Idempotency-Key until it
/// learns the outcome); afterwards no acknowledged order is lost, nothing is oversold, and the
/// restarted Redis and the PostgreSQL record agree (reconciliation, which would repair from the
/// record, finds nothing to repair).
/// </summary>
public sealed class RedisKillDrill(ITestOutputHelper output) : OwnRedisAppTest(settings: _ => new()
{
    // One warning per refused attempt (hundreds a round) is noise here; the ledger counts them.
    ["Logging:LogLevel:FlashSale.Storage.Redis.RedisLedger"] = "Error",
    // A fault drill floods from one address with few buyers: rate limits would answer instead of the store.
    ["RateLimiting:Enabled"] = "false",
}, services: s => s.AddSingleton<ILoggerProvider>(Errors))
{
    // One CI run of 2026-12-06 saw five 500s in a round, never seen since in runs here: when it fails, say why.
    private static readonly ErrorLog Errors = new();

    private const int Stock = 5000;
    private const int Limit = 2;

    [Fact]
    public async Task KillRedisRepeatedlyDuringAFlood_RestartFromAof_NoAcknowledgedOrderLost_LedgerAndRecordAgree()
    {
        var rounds = FaultRounds.Count;
        var admin = await Api.AsAdminAsync(App.CreateClient());
        var buyers = await admin.MintBuyersAsync(3000);
        var ledger = new DistributedAckLedger();
        var sales = new List<string>();
        var random = new Random(8201);
        var recoveries = new List<TimeSpan>();
        var refusedWhileDown = new List<int>();

        for (var round = 0; round < rounds; round++)
        {
            var saleId = (await CreateSaleAsync(admin))["id"]!.GetValue<string>();
            sales.Add(saleId);
            var down = false;
            var confirmedWhileDown = 0;
            var flood = Flood.Start(workers: 16, seed: 100 + round, async (r, ct) =>
            {
                var buyer = buyers[r.Next(buyers.Count)];
                var key = $"k{r.Next():x}{r.Next():x}";
                // A 503 leaves the outcome unknown to the buyer: the same key, again, until it is known.
                for (var i = 0; i < 100 && !ct.IsCancellationRequested; i++)
                {
                    var clock = Stopwatch.StartNew();
                    var wasDown = Volatile.Read(ref down);
                    using var response = await admin.WithToken(buyer.Token).PurchaseAsync(saleId, 1, key);
                    var status = await ledger.RecordAsync(saleId, buyer.UserId, 1, response, clock.Elapsed);
                    if (status != HttpStatusCode.ServiceUnavailable)
                    {
                        if (wasDown && Volatile.Read(ref down) && status == HttpStatusCode.Created)
                        {
                            // Decided before the kill, committed to PostgreSQL while Redis was gone: allowed, counted.
                            Interlocked.Increment(ref confirmedWhileDown);
                        }

                        return;
                    }

                    await Task.Delay(50, CancellationToken.None);
                }
            });

            await Task.Delay(random.Next(200, 500));
            var unavailableBefore = ledger.Count(HttpStatusCode.ServiceUnavailable);
            Volatile.Write(ref down, true);
            await Redis.KillAsync();
            await Task.Delay(1000);
            // Attempts in flight at the kill wait out the Redis timeout before they are refused: on a busy
            // machine the first 503 can come after the first second, so Redis stays down until one has (≤ 10 s).
            var outage = Stopwatch.StartNew();
            while (ledger.Count(HttpStatusCode.ServiceUnavailable) == unavailableBefore && outage.Elapsed < TimeSpan.FromSeconds(10))
            {
                await Task.Delay(50);
            }

            var refused = ledger.Count(HttpStatusCode.ServiceUnavailable) - unavailableBefore;
            refusedWhileDown.Add(refused);

            var createdBefore = ledger.Count(HttpStatusCode.Created);
            var restarted = Stopwatch.StartNew();
            await Redis.StartAsync();
            Volatile.Write(ref down, false);
            while (ledger.Count(HttpStatusCode.Created) == createdBefore && restarted.Elapsed < TimeSpan.FromSeconds(20))
            {
                await Task.Delay(20);
            }

            var recovery = restarted.Elapsed;
            recoveries.Add(recovery);
            await Task.Delay(300);
            await flood.StopAsync();
            Assert.True(ledger.Count(HttpStatusCode.Created) > createdBefore, "no purchase confirmed after Redis came back");
            Assert.True(refused > 0, "nothing was refused while Redis was down");
            output.WriteLine($"round {round + 1}: Redis killed, {refused} attempts answered 503 while it was down "
                + $"({confirmedWhileDown} confirmed meanwhile, decided before the kill); first 201 {recovery.TotalMilliseconds:F0} ms after the restart");
        }

        await using var redis = await RedisState.ConnectAsync(Storage);
        var checks = new List<SaleCheck>();
        foreach (var saleId in sales)
        {
            try
            {
                checks.Add(await ledger.VerifyAsync(admin, saleId, Stock, Limit,
                    () => redis.GetDatabase().StreamLengthAsync(RedisKeys.Outbox(Guid.Parse(saleId))), TimeSpan.FromSeconds(30)));
            }
            catch (Exception) when (Errors.Entries.Count > 0)
            {
                output.WriteLine("The server's error logs:\n" + string.Join("\n---\n", Errors.Entries));
                throw;
            }
        }

        // The ledger's own check: Redis (restarted from its AOF) and the record agree on every sale, nothing to repair.
        var report = await App.Services.GetRequiredService<IPurchaseLedger>().ReconcileAsync(repair: true, CancellationToken.None);
        var drift = report.Where(l => l.Drift != 0 || l.Busy).ToList();
        Assert.True(drift.Count == 0, "Redis and the record disagreed after restarts from the AOF (repaired now): "
            + string.Join("; ", drift));

        output.WriteLine($"{rounds} rounds; {ledger.Summary()}");
        output.WriteLine($"503s while down per round: {string.Join(", ", refusedWhileDown)}; "
            + $"restart → first 201: {string.Join(", ", recoveries.Select(r => $"{r.TotalMilliseconds:F0} ms"))}");
        output.WriteLine($"reconciliation: {report.Count} sales, all in agreement (record sold = ledger sold, outbox empty)");
        foreach (var (check, i) in checks.Select((c, i) => (c, i)))
        {
            output.WriteLine($"sale {i + 1}: {check}");
        }
    }

    /// <summary>
    /// The next round's sale, made as an admin would after an outage: until the instance is ready again, and once more
    /// after a 503. A create 300 ms after the first 201 of a restart once met a Redis connection not yet back (CI of
    /// 9c211ca: 503 "a store was unavailable partway") — the server's answer was right; the drill's timing was not.
    /// </summary>
    private static async Task<System.Text.Json.Nodes.JsonObject> CreateSaleAsync(Api admin)
    {
        for (var attempt = 0; ; attempt++)
        {
            var ready = Stopwatch.StartNew();
            while (ready.Elapsed < TimeSpan.FromSeconds(20))
            {
                using var health = await admin.Http.GetAsync("/health/ready");
                if (health.IsSuccessStatusCode)
                {
                    break;
                }

                await Task.Delay(100);
            }

            try
            {
                return await admin.CreateSaleAsync(stock: Stock, perUserLimit: Limit);
            }
            catch (Exception e) when (attempt < 3 && e.Message.Contains("got 503", StringComparison.Ordinal))
            {
                await Task.Delay(1000);
            }
        }
    }
}
