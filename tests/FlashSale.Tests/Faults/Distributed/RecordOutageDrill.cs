using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using FlashSale.Storage.Redis;
using FlashSale.Tests.Infrastructure;
using Xunit.Abstractions;

namespace FlashSale.Tests.Faults.Distributed;

/// <summary>
/// Fault drill 3: PostgreSQL goes away in the middle of a flood, every round — either cut (a TCP
/// proxy resets every connection and refuses new ones) or stalled (the proxy keeps every
/// connection open and moves no byte, as a SIGSTOPped server does). Attempts decided after the
/// fault began are never 201 (nothing can be committed): they are 503 (fail closed) or 202 pending;
/// when PostgreSQL returns every pending order lands and no acknowledged order is lost.
/// </summary>
public sealed class RecordOutageDrill(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Stock = 5000;
    private const int Limit = 2;
    private static readonly TimeSpan CommitWait = TimeSpan.FromSeconds(1);

    private RecordBehindProxy _record = null!;

    public Task InitializeAsync()
    {
        _record = RecordBehindProxy.Create(new Dictionary<string, string?>
        {
            ["Distributed:CommitWait"] = CommitWait.ToString(),
            ["Logging:LogLevel:FlashSale.Storage.Redis.RedisLedger"] = "Error",
            // A fault drill floods from one address with few buyers: rate limits would answer instead of the store.
            ["RateLimiting:Enabled"] = "false",
        });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _record.DisposeAsync();

    [Fact]
    public Task PostgresCutDuringAFlood_503OrPending_PendingLandsWhenItReturns_NoAcknowledgedOrderLost() =>
        DrillAsync("cut", _record.Proxy.Cut, _record.Proxy.Start, TimeSpan.FromSeconds(3));

    [Fact]
    public Task PostgresStalledDuringAFlood_503OrPending_PendingLandsWhenItReturns_NoAcknowledgedOrderLost() =>
        DrillAsync("stalled", _record.Proxy.Stall, _record.Proxy.Resume, TimeSpan.FromSeconds(5));

    private async Task DrillAsync(string fault, Action inject, Action heal, TimeSpan outage)
    {
        var rounds = FaultRounds.Count;
        var admin = await Api.AsAdminAsync(_record.App.CreateClient());
        var buyers = await admin.MintBuyersAsync(3000);
        var ledger = new DistributedAckLedger();
        var sales = new List<string>();
        var random = new Random(fault.Length * 97);
        var recoveries = new List<TimeSpan>();

        for (var round = 0; round < rounds; round++)
        {
            var saleId = (await admin.CreateSaleAsync(stock: Stock, perUserLimit: Limit))["id"]!.GetValue<string>();
            sales.Add(saleId);
            // Answers to attempts sent after the fault began and answered before it ended: never 201.
            var during = new ConcurrentQueue<(HttpStatusCode Status, TimeSpan Took)>();
            var faultFrom = long.MaxValue;
            var faultTo = long.MaxValue;
            var flood = Flood.Start(workers: 16, seed: 300 + round, async (r, ct) =>
            {
                var buyer = buyers[r.Next(buyers.Count)];
                var key = $"k{r.Next():x}{r.Next():x}";
                for (var i = 0; i < 200 && !ct.IsCancellationRequested; i++)
                {
                    var sent = Stopwatch.GetTimestamp();
                    using var response = await admin.WithToken(buyer.Token).PurchaseAsync(saleId, 1, key);
                    var answered = Stopwatch.GetTimestamp();
                    var status = await ledger.RecordAsync(saleId, buyer.UserId, 1, response, Stopwatch.GetElapsedTime(sent, answered));
                    if (sent > Interlocked.Read(ref faultFrom) && answered < Interlocked.Read(ref faultTo))
                    {
                        during.Enqueue((status, Stopwatch.GetElapsedTime(sent, answered)));
                    }

                    if (status != HttpStatusCode.ServiceUnavailable)
                    {
                        return;
                    }

                    await Task.Delay(50, CancellationToken.None);
                }
            });

            await Task.Delay(random.Next(300, 600));
            var pendingBefore = ledger.Count(HttpStatusCode.Accepted);
            inject();
            Interlocked.Exchange(ref faultFrom, Stopwatch.GetTimestamp() + Stopwatch.Frequency / 4);
            await Task.Delay(outage);
            Interlocked.Exchange(ref faultTo, Stopwatch.GetTimestamp());
            var createdBefore = ledger.Count(HttpStatusCode.Created);
            heal();
            var healed = Stopwatch.StartNew();
            while (ledger.Count(HttpStatusCode.Created) == createdBefore && healed.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(20);
            }

            var recovery = healed.Elapsed;
            recoveries.Add(recovery);
            await Task.Delay(300);
            await flood.StopAsync();

            var answers = during.ToList();
            var counts = answers.GroupBy(a => a.Status).ToDictionary(g => g.Key, g => g.Count());
            output.WriteLine($"round {round + 1}: PostgreSQL {fault} for {outage.TotalSeconds:F0} s: {answers.Count} attempts sent and answered meanwhile ("
                + string.Join(", ", counts.OrderBy(c => c.Key).Select(c => $"{(int)c.Key}×{c.Value}"))
                + $", slowest {(answers.Count == 0 ? 0 : answers.Max(a => a.Took.TotalMilliseconds)):F0} ms); "
                + $"{ledger.Count(HttpStatusCode.Accepted) - pendingBefore} answered 202 pending; first 201 {recovery.TotalMilliseconds:F0} ms after it returned");
            Assert.DoesNotContain(answers, a => a.Status == HttpStatusCode.Created);
            Assert.Contains(answers, a => a.Status == HttpStatusCode.ServiceUnavailable);
            Assert.True(ledger.Count(HttpStatusCode.Created) > createdBefore, "no purchase confirmed after PostgreSQL returned");
        }

        await using var redis = await RedisState.ConnectAsync(_record.Storage);
        foreach (var (saleId, i) in sales.Select((s, i) => (s, i)))
        {
            var check = await ledger.VerifyAsync(admin, saleId, Stock, Limit,
                () => redis.GetDatabase().StreamLengthAsync(RedisKeys.Outbox(Guid.Parse(saleId))), TimeSpan.FromSeconds(30));
            output.WriteLine($"sale {i + 1}: {check}");
        }

        output.WriteLine($"{rounds} rounds; {ledger.Summary()}");
        output.WriteLine($"back → first 201: {string.Join(", ", recoveries.Select(r => $"{r.TotalMilliseconds:F0} ms"))}");
    }
}
