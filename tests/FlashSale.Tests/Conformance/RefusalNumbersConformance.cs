using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Conformance;

public sealed class RefusalNumbersOnEmbedded() : RefusalNumbersConformance(StorageKind.Embedded);

public sealed class RefusalNumbersOnRedis() : RefusalNumbersConformance(StorageKind.Redis);

public sealed class RefusalNumbersOnRedisCluster() : RefusalNumbersConformance(StorageKind.RedisCluster);

/// <summary>
/// A purchase's 409 <c>sold_out</c> says how many units are left (<c>remaining</c>), its <c>limit_reached</c> how many
/// the buyer holds of how many allowed (<c>held</c>, <c>limit</c>): clients read numbers, never the detail's wording.
/// Every way such a refusal is answered carries them: decided by the ledger, replayed for a key, and the sold-out
/// short-circuit that answers the late crowd in process.
/// </summary>
public abstract class RefusalNumbersConformance(StorageKind kind) : ConformanceTest(kind)
{
    [Fact]
    public async Task SoldOut_SaysHowManyAreLeft_InRemaining()
    {
        var saleId = (await Admin.CreateSaleAsync(stock: 3, perUserLimit: 3))["id"]!.GetValue<string>();
        var buyers = (await Admin.MintBuyersAsync(3)).Select(b => Admin.WithToken(b.Token)).ToList();
        using (var bought = await buyers[0].PurchaseAsync(saleId, 2))
        {
            await Api.EnsureAsync(bought, HttpStatusCode.Created);
        }

        // One left, two asked for: decided by the ledger, then the key's retry replays it.
        Assert.Equal(1, Remaining(await SoldOutAsync(buyers[1].PurchaseAsync(saleId, 2, "two-of-one"))));
        Assert.Equal(1, Remaining(await SoldOutAsync(buyers[1].PurchaseAsync(saleId, 2, "two-of-one"))));
        Assert.Equal(1, Remaining(await SoldOutAsync(buyers[1].PurchaseAsync(saleId, 2))));

        using (var last = await buyers[1].PurchaseAsync(saleId))
        {
            await Api.EnsureAsync(last, HttpStatusCode.Created);
        }

        // None left: decided, replayed, and answered without a key, which the sold-out short-circuit answers in
        // process (embedded always; distributed within half a second of the ledger's sold out, as these are).
        Assert.Equal(0, Remaining(await SoldOutAsync(buyers[2].PurchaseAsync(saleId, 1, "one-of-none"))));
        Assert.Equal(0, Remaining(await SoldOutAsync(buyers[2].PurchaseAsync(saleId, 1, "one-of-none"))));
        Assert.Equal(0, Remaining(await SoldOutAsync(buyers[2].PurchaseAsync(saleId))));
        var late = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => SoldOutAsync(buyers[2].PurchaseAsync(saleId, 1 + (i % 2)))));
        Assert.All(late, problem => Assert.Equal(0, Remaining(problem)));
        Assert.All(late, problem => Assert.Null(problem["held"]));
    }

    [Fact]
    public async Task LimitReached_SaysHowManyTheBuyerHolds_OfHowManyAllowed()
    {
        var saleId = (await Admin.CreateSaleAsync(stock: 10, perUserLimit: 3))["id"]!.GetValue<string>();
        var buyer = Admin.WithToken((await Admin.MintBuyersAsync(1))[0].Token);
        using (var bought = await buyer.PurchaseAsync(saleId, 2))
        {
            await Api.EnsureAsync(bought, HttpStatusCode.Created);
        }

        foreach (var key in new[] { "two-more", "two-more", null })
        {
            var problem = await LimitReachedAsync(buyer.PurchaseAsync(saleId, 2, key));
            Assert.Equal(2, problem.Int("held"));
            Assert.Equal(3, problem.Int("limit"));
            Assert.Null(problem["remaining"]);
        }

        using (var third = await buyer.PurchaseAsync(saleId))
        {
            await Api.EnsureAsync(third, HttpStatusCode.Created);
        }

        var full = await LimitReachedAsync(buyer.PurchaseAsync(saleId));
        Assert.Equal(3, full.Int("held"));
        Assert.Equal(3, full.Int("limit"));
    }

    [Fact]
    public async Task WindowRefusals_SayWhen_InStartsAtAndEndsAt_AsTheSaleWritesThem()
    {
        var now = DateTimeOffset.UtcNow;
        var upcoming = await Admin.CreateSaleAsync(stock: 3, startsAt: now.AddHours(1), endsAt: now.AddHours(2));
        var ended = await Admin.CreateSaleAsync(stock: 3, startsAt: now.AddHours(-2), endsAt: now.AddHours(-1));
        var buyer = Admin.WithToken((await Admin.MintBuyersAsync(1))[0].Token);

        foreach (var (sale, reason, member) in new[] { (upcoming, "sale_not_started", "startsAt"), (ended, "sale_ended", "endsAt") })
        {
            using var response = await buyer.PurchaseAsync(sale["id"]!.GetValue<string>());
            Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
            var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
            Assert.Equal(reason, problem["reason"]!.GetValue<string>());
            // Written as the sale writes it, character for character, not only the same instant.
            Assert.Equal(sale[member]!.ToJsonString(), problem[member]!.ToJsonString());
            var at = problem[member]!.GetValue<DateTimeOffset>();
            Assert.EndsWith($" at {at.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC.", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        }
    }

    private static int Remaining(JsonObject problem) => problem.Int("remaining");

    private static Task<JsonObject> SoldOutAsync(Task<HttpResponseMessage> purchase) => ProblemAsync(purchase, "sold_out");

    private static Task<JsonObject> LimitReachedAsync(Task<HttpResponseMessage> purchase) => ProblemAsync(purchase, "limit_reached");

    private static Task<JsonObject> ProblemAsync(Task<HttpResponseMessage> purchase, string reason) =>
        Api.ExpectProblemAsync(purchase, HttpStatusCode.Conflict, reason);
}
