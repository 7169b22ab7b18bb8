using System.Net;
using System.Text.Json.Nodes;
using FlashSale.Storage.Redis;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace FlashSale.Tests.Distributed;

public sealed class SaleRetirementOnRedis() : SaleRetirementTests(StorageKind.Redis);

public sealed class SaleRetirementOnRedisCluster() : SaleRetirementTests(StorageKind.RedisCluster);

/// <summary>
/// An ended sale's Redis state is retired (<see cref="SaleRetirement"/>) and never rebuilt: the record answers its
/// retries, reads, cancels and reconciliation. Before, every sale ever run kept its keys in a Redis that evicts nothing.
/// The sweep is called by the test (its own timer is a day); the clock is the test's, so the sale ends when it says.
/// </summary>
public abstract partial class SaleRetirementTests : AdminAppTest
{
    private readonly ManualClock _clock;

    protected SaleRetirementTests(StorageKind kind) : this(kind, new ManualClock(DateTimeOffset.UtcNow))
    {
    }

    private SaleRetirementTests(StorageKind kind, ManualClock clock) : base(new TestApp(kind: kind, clock: clock, settings: new Dictionary<string, string?>
    {
        ["Distributed:RetireAfter"] = "00:00:00",
        ["Distributed:RetireSweepInterval"] = "1.00:00:00",
    })) => _clock = clock;

    [Fact]
    public async Task AnEndedSale_IsRetired_LeavingNoKeyButWhatExpires_AndLeavesTheRegistry()
    {
        var (sale, buyers) = await SaleWithKeyedOrdersAsync(buyers: 3);
        // A remembered rejection: its key expires by itself (DecisionTtl).
        using (var refused = await buyers[0].PurchaseAsync(sale, key: "again"))
        {
            Assert.Equal("limit_reached", await Api.ReasonAsync(refused));
        }

        // Active: never retired.
        Assert.Equal(0, await SweepAsync());
        Assert.True(await MetaExistsAsync(sale));

        await EndWhenRecordedAsync(sale);
        Assert.Equal(1, await SweepAsync());

        var left = await KeysOfAsync(sale);
        Assert.DoesNotContain(left, k => k.Key.EndsWith(":meta", StringComparison.Ordinal) || k.Key.EndsWith(":stock", StringComparison.Ordinal)
            || k.Key.EndsWith(":buyers", StringComparison.Ordinal) || k.Key.EndsWith(":outbox", StringComparison.Ordinal));
        Assert.All(left, k => Assert.True(k.Expires, $"{k.Key} has no expiry"));
        Assert.DoesNotContain(left, k => k.Key.Contains(":key:", StringComparison.Ordinal) && !k.Key.EndsWith(":again", StringComparison.Ordinal));
        Assert.DoesNotContain(Guid.Parse(sale), await RegistryAsync());
        Assert.Equal(0, await SweepAsync());
    }

    /// <summary>
    /// A persister pass for the sale that runs after its retirement (one already under way between two reads, or woken by
    /// a late notice) finds no outbox and ends: until 2026-12-07 it made the group again with MKSTREAM, leaving an empty
    /// outbox with no expiry for good (a CI run caught one, between a pass's reads and the sweep).
    /// </summary>
    [Fact]
    public async Task APersisterPassAfterRetirement_LeavesNoOutboxBehind()
    {
        var (sale, _) = await SaleWithKeyedOrdersAsync(buyers: 2);
        await EndWhenRecordedAsync(sale);
        Assert.Equal(1, await SweepAsync());

        App.Services.GetRequiredService<OutboxPersister>().Wake(Guid.Parse(sale));

        await using var redis = await RedisState.ConnectAsync(App.Storage);
        var outbox = RedisKeys.Outbox(Guid.Parse(sale));
        // The pass is asynchronous: the key must stay absent for a while, not only at one instant.
        for (var i = 0; i < 20; i++)
        {
            Assert.False(await redis.GetDatabase().KeyExistsAsync(outbox), "a pass after the retirement made the outbox again");
            await Task.Delay(25);
        }
    }

    [Fact]
    public async Task AfterRetirement_ARetryReplaysItsOrder_AndANewAttemptIsRefusedAsEnded_AsBefore()
    {
        var sale = (await Admin.CreateSaleAsync(stock: 5, perUserLimit: 2)).Id();
        var buyer = await BuyerAsync();
        using var first = await buyer.PurchaseAsync(sale, key: "k1");
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var order = await first.Content.ReadAsStringAsync();
        await EndWhenRecordedAsync(sale);
        var before = await AnswersAsync(buyer, sale);

        Assert.Equal(1, await SweepAsync());
        var after = await AnswersAsync(buyer, sale);

        Assert.Equal((HttpStatusCode.Created, order, first.Headers.Location), (before.Replay.Status, before.Replay.Body, before.Replay.Location));
        Assert.Equal(before, after);
        Assert.Equal(HttpStatusCode.Conflict, after.Fresh.Status);
        Assert.Contains("sale_ended", after.Fresh.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, after.Mismatch.Status);
        Assert.Equal(HttpStatusCode.BadRequest, after.TooMany.Status);
        Assert.False(await MetaExistsAsync(sale));
    }

    [Fact]
    public async Task AfterRetirement_TheSaleTheStockAndTheList_ShowTheRecord()
    {
        var (sale, _) = await SaleWithKeyedOrdersAsync(buyers: 3);
        await EndWhenRecordedAsync(sale);
        Assert.Equal(1, await SweepAsync());

        var stock = await Admin.StockAsync(sale);
        var one = await Admin.GetJsonAsync($"/api/v1/sales/{sale}");
        var listed = (await Admin.GetJsonAsync("/api/v1/sales?limit=1000"))["items"]!.AsArray().Single(s => s!["id"]!.GetValue<string>() == sale)!;

        foreach (var read in new JsonNode[] { stock, one, listed })
        {
            Assert.Equal((3, 2, "ended"), (read.Int("sold"), read.Int("remainingStock"), read["status"]!.GetValue<string>()));
        }

        Assert.False(await MetaExistsAsync(sale));
    }

    [Fact]
    public async Task AnAdminCancelAfterRetirement_ReturnsTheUnitInTheReads_AndRebuildsNothing()
    {
        var (sale, _) = await SaleWithKeyedOrdersAsync(buyers: 3);
        var orderId = (await Admin.AllOrdersAsync(sale))[0]["orderId"]!.GetValue<string>();
        await EndWhenRecordedAsync(sale);
        Assert.Equal(1, await SweepAsync());

        using var cancel = await Admin.PostEmptyAsync($"/api/v1/admin/orders/{orderId}/cancel");

        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        var stock = await Admin.StockAsync(sale);
        Assert.Equal((2, 3), (stock.Int("sold"), stock.Int("remainingStock")));
        Assert.DoesNotContain(await KeysOfAsync(sale), k => !k.Expires);
        Assert.DoesNotContain(Guid.Parse(sale), await RegistryAsync());
    }

    [Fact]
    public async Task ReconcilingARetiredSale_ReportsItSettled_WithoutDrift_AndRebuildsNothing()
    {
        var (sale, _) = await SaleWithKeyedOrdersAsync(buyers: 3);
        await EndWhenRecordedAsync(sale);
        Assert.Equal(1, await SweepAsync());

        var report = await (await Admin.PostEmptyAsync("/api/v1/admin/reconcile")).ReadJsonAsync();

        var line = report["items"]!.AsArray().Single(l => l!["saleId"]!.GetValue<string>() == sale)!;
        Assert.Equal((3, 3, 0, false, false),
            (line.Int("recordSold"), line.Int("ledgerSold"), line.Int("drift"), line["repaired"]!.GetValue<bool>(), line["busy"]!.GetValue<bool>()));
        Assert.False(await MetaExistsAsync(sale));
    }

    /// <summary>
    /// A sweep that stopped after retire.lua (the instance died before the keys and the registry): the keys left behind
    /// change no answer (purchase.lua reads the meta first), and the next sweep finishes the job.
    /// </summary>
    [Fact]
    public async Task ASweepThatStoppedHalfWay_IsFinishedByTheNext()
    {
        var (sale, buyers) = await SaleWithKeyedOrdersAsync(buyers: 2);
        await EndWhenRecordedAsync(sale);
        var saleId = Guid.Parse(sale);
        await using var redis = await RedisState.ConnectAsync(App.Storage);
        var now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        var halfWay = (RedisResult[])(await App.Services.GetRequiredService<LedgerScripts>().Retire.EvaluateAsync(redis.GetDatabase(),
            [
                RedisKeys.Meta(saleId), RedisKeys.Stock(saleId), RedisKeys.Buyers(saleId), RedisKeys.Cancelled(saleId),
                RedisKeys.Outbox(saleId), RedisKeys.Cancelling(saleId), RedisKeys.RebuildLock(saleId),
            ], [now, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()]))!;
        Assert.Equal("retired", (string)halfWay[0]!);
        Assert.Contains(await KeysOfAsync(sale), k => k.Key.Contains(":key:", StringComparison.Ordinal) && !k.Expires);

        using (var replay = await buyers[1].PurchaseAsync(sale, key: "key-1"))
        {
            Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
        }

        Assert.Equal(1, await SweepAsync());
        Assert.DoesNotContain(await KeysOfAsync(sale), k => !k.Expires);
        Assert.DoesNotContain(saleId, await RegistryAsync());
    }

    [Fact]
    public async Task ACancelInFlight_KeepsTheStateUntilItIsDone()
    {
        var (sale, _) = await SaleWithKeyedOrdersAsync(buyers: 1);
        await EndWhenRecordedAsync(sale);
        var saleId = Guid.Parse(sale);
        await using var redis = await RedisState.ConnectAsync(App.Storage);
        var db = redis.GetDatabase();
        // Between its record update and its ledger step (RedisLedger.CancelAsync), for the next 30 s of real time.
        await db.SortedSetAddAsync(RedisKeys.Cancelling(saleId), Guid.NewGuid().ToString("D"), DateTimeOffset.UtcNow.AddSeconds(30).ToUnixTimeMilliseconds());

        Assert.Equal(0, await SweepAsync());
        Assert.True(await MetaExistsAsync(sale));
        Assert.Contains(saleId, await RegistryAsync());

        await db.KeyDeleteAsync(RedisKeys.Cancelling(saleId));
        Assert.Equal(1, await SweepAsync());
    }

    /// <summary>
    /// retire.lua itself, on keys made by hand under a sale id nothing else knows (no persister reads its outbox): an
    /// unrecorded outbox entry, a cancel in flight, a rebuild's lock or an end after the cutoff keep the state.
    /// </summary>
    [Fact]
    public async Task TheRetireScript_KeepsAStateWithAnythingUnfinished()
    {
        await using var redis = await RedisState.ConnectAsync(App.Storage);
        var db = redis.GetDatabase();
        var id = Guid.NewGuid();
        var scripts = App.Services.GetRequiredService<LedgerScripts>();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await db.HashSetAsync(RedisKeys.Meta(id), [new("total", 5), new("ends", now - 1000)]);
        await db.StringSetAsync(RedisKeys.Stock(id), 4);
        await db.StreamAddAsync(RedisKeys.Outbox(id), "e", "decided, not recorded");

        Assert.Equal("unrecorded", await RetireAsync(id, now));
        await db.StreamTrimAsync(RedisKeys.Outbox(id), 0);
        await db.SortedSetAddAsync(RedisKeys.Cancelling(id), "order", now + 30_000);
        Assert.Equal("cancelling", await RetireAsync(id, now));
        await db.SortedSetAddAsync(RedisKeys.Cancelling(id), "order", now - 1);   // a cancel that died: stale
        await db.StringSetAsync(RedisKeys.RebuildLock(id), "token", TimeSpan.FromSeconds(30));
        Assert.Equal("rebuilding", await RetireAsync(id, now));
        await db.KeyDeleteAsync(RedisKeys.RebuildLock(id));
        Assert.Equal("open", await RetireAsync(id, now - 2000));
        Assert.True(await db.KeyExistsAsync(RedisKeys.Meta(id)));

        Assert.Equal("retired", await RetireAsync(id, now));
        Assert.Equal(0, await db.KeyExistsAsync([RedisKeys.Meta(id), RedisKeys.Stock(id), RedisKeys.Outbox(id), RedisKeys.Cancelling(id)]));
        Assert.Equal("missing", await RetireAsync(id, now));

        async Task<string> RetireAsync(Guid sale, long cutoff) => (string)((RedisResult[])(await scripts.Retire.EvaluateAsync(db,
            [
                RedisKeys.Meta(sale), RedisKeys.Stock(sale), RedisKeys.Buyers(sale), RedisKeys.Cancelled(sale), RedisKeys.Outbox(sale),
                RedisKeys.Cancelling(sale), RedisKeys.RebuildLock(sale),
            ], [cutoff, now]))!)[0]!;
    }

    /// <summary>
    /// What the rule rests on: an ended sale's end never moves later. A window changes only while the sale is upcoming,
    /// and an upcoming sale ended early starts when it ends (the record's end takes its start with it), so it is no
    /// longer upcoming: moving its end later would re-open a sale whose Redis state may be retired.
    /// </summary>
    [Fact]
    public async Task AnUpcomingSaleEndedEarly_CannotBeGivenALaterWindow()
    {
        var now = _clock.GetUtcNow();
        var sale = (await Admin.CreateSaleAsync(stock: 5, startsAt: now.AddHours(1), endsAt: now.AddHours(2))).Id();
        using (var end = await Admin.PostEmptyAsync($"/api/v1/admin/sales/{sale}/end"))
        {
            Assert.Equal(HttpStatusCode.OK, end.StatusCode);
        }

        _clock.Advance(TimeSpan.FromSeconds(1));
        using var update = await Admin.SendAsync(HttpMethod.Patch, $"/api/v1/admin/sales/{sale}",
            JsonContent($$"""{"startsAt":"{{now.AddHours(3):O}}","endsAt":"{{now.AddHours(4):O}}"}"""));

        Assert.Equal(HttpStatusCode.Conflict, update.StatusCode);
        Assert.Equal("sale_not_upcoming", await Api.ReasonAsync(update));
    }

    private static StringContent JsonContent(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    /// <summary>A fresh buyer's replay, a new attempt, the key with another body, a quantity over the limit.</summary>
    private static async Task<Answers> AnswersAsync(Api buyer, string sale) => new(
        await AnswerAsync(buyer.PurchaseAsync(sale, key: "k1")),
        await AnswerAsync(buyer.PurchaseAsync(sale, key: "k2")),
        await AnswerAsync(buyer.PurchaseAsync(sale, quantity: 2, key: "k1")),
        await AnswerAsync(buyer.PurchaseAsync(sale, quantity: 3, key: "k1")));

    private static async Task<Answer> AnswerAsync(Task<HttpResponseMessage> request)
    {
        using var response = await request;
        // Each answer's own trace id aside, the same bytes.
        var body = TraceId().Replace(await response.Content.ReadAsStringAsync(), "");
        return new Answer(response.StatusCode, body, response.Headers.Location);
    }

    [System.Text.RegularExpressions.GeneratedRegex("\"traceId\":\"[^\"]*\"")]
    private static partial System.Text.RegularExpressions.Regex TraceId();

    private readonly record struct Answer(HttpStatusCode Status, string Body, Uri? Location);

    private readonly record struct Answers(Answer Replay, Answer Fresh, Answer Mismatch, Answer TooMany);

    private async Task<(string Sale, List<Api> Buyers)> SaleWithKeyedOrdersAsync(int buyers)
    {
        var sale = (await Admin.CreateSaleAsync(stock: 5)).Id();
        var apis = new List<Api>();
        for (var i = 0; i < buyers; i++)
        {
            var buyer = await BuyerAsync();
            using var bought = await buyer.PurchaseAsync(sale, key: $"key-{i}");
            Assert.Equal(HttpStatusCode.Created, bought.StatusCode);
            apis.Add(buyer);
        }

        return (sale, apis);
    }

    private async Task<Api> BuyerAsync() => Admin.WithToken((await Admin.MintBuyersAsync(1))[0].Token);

    /// <summary>
    /// Past the sale's end (Api creates sales ending in an hour), once its outbox is empty: a 201 can be answered before
    /// the persister's XDEL (a sweep then waits for the next; a loaded test host showed it).
    /// </summary>
    private async Task EndWhenRecordedAsync(string sale)
    {
        _clock.Advance(TimeSpan.FromHours(2));
        await using var redis = await RedisState.ConnectAsync(App.Storage);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (await redis.GetDatabase().StreamLengthAsync(RedisKeys.Outbox(Guid.Parse(sale))) > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the sale's orders were not recorded within 10 s");
            await Task.Delay(20);
        }
    }

    private Task<int> SweepAsync() => App.Services.GetRequiredService<SaleRetirement>().SweepAsync(CancellationToken.None);

    private async Task<bool> MetaExistsAsync(string sale)
    {
        await using var redis = await RedisState.ConnectAsync(App.Storage);
        return await redis.GetDatabase().KeyExistsAsync(RedisKeys.Meta(Guid.Parse(sale)));
    }

    private async Task<List<Guid>> RegistryAsync()
    {
        await using var redis = await RedisState.ConnectAsync(App.Storage);
        return RedisKeys.SaleIds(await redis.GetDatabase().SetMembersAsync(RedisKeys.Registry(App.Storage.Database))).ToList();
    }

    /// <summary>Every key of the sale on every master (SCAN MATCH on its hash tag), and whether it expires by itself.</summary>
    private async Task<List<(string Key, bool Expires)>> KeysOfAsync(string sale)
    {
        await using var redis = await RedisState.ConnectAsync(App.Storage);
        var db = redis.GetDatabase();
        var pattern = RedisKeys.Tag(Guid.Parse(sale)).Replace("{", "\\{", StringComparison.Ordinal).Replace("}", "\\}", StringComparison.Ordinal) + "*";
        var keys = new List<(string, bool)>();
        foreach (var endpoint in redis.GetEndPoints())
        {
            var server = redis.GetServer(endpoint);
            if (server.IsReplica)
            {
                continue;
            }

            await foreach (var key in server.KeysAsync(pattern: pattern))
            {
                keys.Add((key.ToString(), await db.KeyTimeToLiveAsync(key) is not null));
            }
        }

        return keys;
    }
}
