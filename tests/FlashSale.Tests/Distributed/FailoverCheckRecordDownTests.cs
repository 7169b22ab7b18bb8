using System.Net;
using System.Text.Json.Nodes;
using FlashSale.Storage.Postgres;
using FlashSale.Storage.Redis;
using FlashSale.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FlashSale.Tests.Distributed;

/// <summary>
/// G5 while Redis may have failed over (<see cref="FailoverWatch"/>) and the record cannot be read: a keyed
/// <c>sold_out</c> / <c>limit_reached</c> is looked up in PostgreSQL first (<c>FailoverSuspicionTests</c>), and when that
/// lookup fails the attempt is answered 503 nothing bought, not the 409 of a state that may be stale (a final "no" to a
/// buyer who may hold an order), and the rejection Redis remembered under the key ('R|') is let go: kept, the retry would
/// replay it from Redis without asking the record once the window has passed (event 4253, the rejection checks' outcome
/// <c>unavailable</c>). The record is behind a <see cref="TcpProxy"/> held at the lookup (the bytes of its key, a query
/// parameter) and then cut: the attempt passed <see cref="RecordHealth"/>'s fail-closed check before the record went, as
/// one does that arrives just before the outage is noticed (after it, every attempt is 503 before any decision).
/// </summary>
public sealed class FailoverCheckRecordDownTests : IAsyncLifetime
{
    private RecordBehindProxy _record = null!;

    public Task InitializeAsync()
    {
        _record = RecordBehindProxy.Create(new Dictionary<string, string?>());
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _record.DisposeAsync();

    /// <summary>
    /// A new buyer's key on a sold-out sale: Redis answers <c>sold_out</c> and remembers it under the key; the record's
    /// lookup fails, so 503 and the key let go; with the record back the same retry is looked up again and, the record
    /// holding no order under it, answered 409 <c>sold_out</c> as Redis said.
    /// </summary>
    [Fact]
    public async Task AFreshSoldOutToANewKey_WithTheRecordDown_Is503NothingBought_ItsRejectionLetGo_ThenSoldOutOnceTheRecordIsBack()
    {
        var admin = await Api.AsAdminAsync(_record.App.CreateClient());
        var watch = _record.App.Services.GetRequiredService<FailoverWatch>();
        using var checks = new CounterByTag("flashsale.failover.rejection_checks", "outcome", _record.App);
        var sale = (await admin.CreateSaleAsync(stock: 1))["id"]!.GetValue<string>();
        var saleId = Guid.Parse(sale);
        var buyers = await admin.MintBuyersAsync(2);
        await using var redis = await RedisState.ConnectAsync(_record.Storage);
        var db = redis.GetDatabase();
        var first = await admin.WithToken(buyers[0].Token).BoughtAsync(sale, "first-" + Guid.NewGuid().ToString("N"));

        watch.Suspect("test: a simulated failover");
        var key = "late-" + Guid.NewGuid().ToString("N");
        var remembered = RedisKeys.Idempotency(saleId, buyers[1].UserId, key);
        using (var refused = await PurchaseWithTheRecordCutAtItsLookupAsync(admin.WithToken(buyers[1].Token), sale, key,
            async () => Assert.StartsWith("R|1|sold_out|", (await db.StringGetAsync(remembered)).ToString(), StringComparison.Ordinal)))
        {
            await AssertNothingBoughtAsync(refused);
        }

        Assert.False(await db.KeyExistsAsync(remembered), "the rejection the record could not check is still remembered under the key");
        Assert.Equal(1, watch.Checks);
        Assert.Equal(1, checks.Of("unavailable"));

        await RestoreTheRecordAsync();
        using (var answered = await AnswerOnceTheRecordIsBackAsync(admin.WithToken(buyers[1].Token), sale, key))
        {
            await Api.ExpectProblemAsync(Task.FromResult(answered), HttpStatusCode.Conflict, "sold_out");
        }

        Assert.Equal(1, checks.Of("not_recorded"));
        Assert.Equal(0, checks.Of("recorded"));
        Assert.StartsWith("R|1|sold_out|", (await db.StringGetAsync(remembered)).ToString(), StringComparison.Ordinal);
        Assert.Equal(1, await _record.Storage.ScalarAsync($"SELECT count(*) FROM orders WHERE sale_id = '{sale}'"));
        Assert.Equal(1, await _record.Storage.ScalarAsync($"SELECT count(*) FROM orders WHERE id = '{first}'"));
        Assert.Equal(0, (await admin.StockAsync(sale))["remainingStock"]!.GetValue<int>());
    }

    /// <summary>
    /// A stale state (as a lagging replica's, rewound by hand as in <c>FailoverSuspicionTests</c>) lost a buyer's recorded
    /// key and remembered a <c>sold_out</c> under it before any event; after one, the replayed 'R|' is looked up, the record
    /// is down: 503, the 'R|' let go, the stale state left as it is. With the record back the retry is looked up again and
    /// answered the recorded order (201, as first answered), the key given its order.
    /// </summary>
    [Fact]
    public async Task ARememberedSoldOutToARecordedKey_WithTheRecordDown_Is503AndLetGo_ThenItsOrderOnceTheRecordIsBack()
    {
        var admin = await Api.AsAdminAsync(_record.App.CreateClient());
        var watch = _record.App.Services.GetRequiredService<FailoverWatch>();
        using var checks = new CounterByTag("flashsale.failover.rejection_checks", "outcome", _record.App);
        var sale = (await admin.CreateSaleAsync(stock: 1))["id"]!.GetValue<string>();
        var saleId = Guid.Parse(sale);
        var buyer = (await admin.MintBuyersAsync(1))[0];
        var api = admin.WithToken(buyer.Token);
        await using var redis = await RedisState.ConnectAsync(_record.Storage);
        var db = redis.GetDatabase();
        var key = "bought-" + Guid.NewGuid().ToString("N");
        var remembered = RedisKeys.Idempotency(saleId, buyer.UserId, key);
        var order = await admin.WithToken(buyer.Token).BoughtAsync(sale, key);

        // Stale: sold out, but the buyer's hold and key gone; its retry is answered sold_out and remembered, unchecked.
        await db.HashDeleteAsync(RedisKeys.Buyers(saleId), buyer.UserId);
        Assert.True(await db.KeyDeleteAsync(remembered));
        await Api.ExpectProblemAsync(api.PurchaseAsync(sale, key: key), HttpStatusCode.Conflict, "sold_out");
        Assert.Equal(0, watch.Checks);

        watch.Suspect("test: a simulated failover");
        using (var refused = await PurchaseWithTheRecordCutAtItsLookupAsync(api, sale, key,
            async () => Assert.StartsWith("R|1|sold_out|", (await db.StringGetAsync(remembered)).ToString(), StringComparison.Ordinal)))
        {
            await AssertNothingBoughtAsync(refused);
        }

        Assert.False(await db.KeyExistsAsync(remembered), "the rejection the record could not check is still remembered under the key");
        Assert.True(await db.KeyExistsAsync(RedisKeys.Meta(saleId)), "only the key is let go: the state is not known to be stale");
        Assert.Equal(1, watch.Checks);
        Assert.Equal(1, checks.Of("unavailable"));

        await RestoreTheRecordAsync();
        using (var answered = await AnswerOnceTheRecordIsBackAsync(api, sale, key))
        {
            await Api.EnsureAsync(answered, HttpStatusCode.Created);
            Assert.Equal(order, JsonNode.Parse(await answered.Content.ReadAsStringAsync())!["orderId"]!.GetValue<string>());
        }

        Assert.Equal(1, checks.Of("recorded"));
        Assert.StartsWith($"O|1|{order}|", (await db.StringGetAsync(remembered)).ToString(), StringComparison.Ordinal);
        Assert.Equal(1, await _record.Storage.ScalarAsync($"SELECT count(*) FROM orders WHERE sale_id = '{sale}'"));
        Assert.Equal(0, (await admin.StockAsync(sale))["remainingStock"]!.GetValue<int>());
    }

    /// <summary>
    /// The purchase, its record lookup held on the wire (the key's bytes), <paramref name="whileHeld"/> run, then the record
    /// cut: the lookup fails after the attempt was decided. Times out (10 s) when no lookup is made.
    /// </summary>
    private async Task<HttpResponseMessage> PurchaseWithTheRecordCutAtItsLookupAsync(Api buyer, string sale, string key, Func<Task> whileHeld)
    {
        var lookup = _record.Proxy.StallAtAsync(key);
        var purchase = buyer.PurchaseAsync(sale, key: key);
        await lookup;
        await whileHeld();
        _record.Proxy.Cut();
        _record.Proxy.Resume();
        return await purchase;
    }

    /// <summary>503 problem+json <c>unavailable</c> with Retry-After, nothing bought (no <c>outcomeUnknown</c>), from the check.</summary>
    private static async Task AssertNothingBoughtAsync(HttpResponseMessage response)
    {
        await Api.EnsureAsync(response, HttpStatusCode.ServiceUnavailable);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Equal("unavailable", await Api.ReasonAsync(response));
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Null(problem["outcomeUnknown"]);
        var detail = problem["detail"]!.GetValue<string>();
        Assert.Contains("may have failed over", detail, StringComparison.Ordinal);
        Assert.Contains("nothing was bought", detail, StringComparison.Ordinal);
    }

    /// <summary>The outage noticed (health down), then PostgreSQL back and noticed.</summary>
    private async Task RestoreTheRecordAsync()
    {
        var health = _record.App.Services.GetRequiredService<RecordHealth>();
        await UntilAsync(() => health.IsDown, "the record's outage was not noticed");
        _record.Proxy.Start();
        await UntilAsync(() => !health.IsDown, "the record's return was not noticed");
    }

    /// <summary>The keyed retry's answer once it is not 503 (the pool's connections the cut reset fail once each).</summary>
    private static async Task<HttpResponseMessage> AnswerOnceTheRecordIsBackAsync(Api buyer, string sale, string key)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var response = await buyer.PurchaseAsync(sale, key: key);
            if (response.StatusCode != HttpStatusCode.ServiceUnavailable || DateTime.UtcNow > deadline)
            {
                return response;
            }

            response.Dispose();
            await Task.Delay(200);
        }
    }

    private static async Task UntilAsync(Func<bool> condition, string failure)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, failure);
            await Task.Delay(50);
        }
    }
}
