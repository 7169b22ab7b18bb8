using System.Net;
using System.Text.Json.Nodes;
using FlashSale.Storage.Redis;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Conformance;

public sealed class PurchaseRulesOnEmbedded() : PurchaseRulesConformance(StorageKind.Embedded);

public sealed class PurchaseRulesOnRedis() : PurchaseRulesConformance(StorageKind.Redis);

public sealed class PurchaseRulesOnRedisCluster() : PurchaseRulesConformance(StorageKind.RedisCluster);

/// <summary>
/// The rules every ledger decides by, each on its edge: the per-buyer limit and the stock count the units asked for
/// (not the attempts), the quantity is bounded by the ledger itself (there is no other check before it), and the
/// buyer is the token's subject, whatever the query string, the headers or the body say.
/// </summary>
public abstract class PurchaseRulesConformance(StorageKind kind) : ConformanceTest(kind)
{
    [Fact]
    public async Task PerBuyerLimit_CountsTheUnitsAskedFor()
    {
        var saleId = (await Admin.CreateSaleAsync(stock: 10, perUserLimit: 2)).Id();
        var buyer = Admin.WithToken((await Admin.MintBuyersAsync(1))[0].Token);
        await BuyAsync(buyer.PurchaseAsync(saleId, 1));

        // Holds 1 of 2: two more would be 3.
        var two = await ProblemAsync(buyer.PurchaseAsync(saleId, 2), HttpStatusCode.Conflict, "limit_reached");
        Assert.Equal((1, 2), (two.Int("held"), two.Int("limit")));
        var twoKeyed = await ProblemAsync(buyer.PurchaseAsync(saleId, 2, "two-more"), HttpStatusCode.Conflict, "limit_reached");
        Assert.Equal((1, 2), (twoKeyed.Int("held"), twoKeyed.Int("limit")));
        Assert.Equal(9, await RemainingAsync(saleId));

        await BuyAsync(buyer.PurchaseAsync(saleId, 1));

        var full = await ProblemAsync(buyer.PurchaseAsync(saleId, 1), HttpStatusCode.Conflict, "limit_reached");
        Assert.Equal((2, 2), (full.Int("held"), full.Int("limit")));
        Assert.Equal(8, await RemainingAsync(saleId));
        Assert.Equal(2, (await Admin.AllOrdersAsync(saleId)).Sum(o => o.Int("quantity")));
    }

    [Fact]
    public async Task Stock_CountsTheUnitsAskedFor()
    {
        var saleId = (await Admin.CreateSaleAsync(stock: 3, perUserLimit: 2)).Id();
        var buyers = (await Admin.MintBuyersAsync(3)).Select(b => Admin.WithToken(b.Token)).ToList();
        await BuyAsync(buyers[0].PurchaseAsync(saleId, 2));

        // One left: two is too many, with or without a key.
        Assert.Equal(1, (await ProblemAsync(buyers[1].PurchaseAsync(saleId, 2), HttpStatusCode.Conflict, "sold_out")).Int("remaining"));
        Assert.Equal(1, (await ProblemAsync(buyers[1].PurchaseAsync(saleId, 2, "two-of-one"), HttpStatusCode.Conflict, "sold_out")).Int("remaining"));
        Assert.Equal(1, await RemainingAsync(saleId));

        await BuyAsync(buyers[1].PurchaseAsync(saleId, 1));

        Assert.Equal(0, (await ProblemAsync(buyers[2].PurchaseAsync(saleId, 1, "none-left"), HttpStatusCode.Conflict, "sold_out")).Int("remaining"));
        var stock = await Admin.StockAsync(saleId);
        Assert.Equal((0, 3), (stock.Int("remainingStock"), stock.Int("sold")));
        Assert.Equal(3, (await Admin.AllOrdersAsync(saleId)).Sum(o => o.Int("quantity")));
    }

    /// <summary>
    /// The ledger is the only check on the quantity (the HTTP layer reads an int, nothing more): each kind must refuse
    /// 0, negatives, more than the limit and huge numbers with 400 validation_failed, with or without a key, and leave
    /// everything as it was, down to its own state (distributed: the stock key, the buyers hash, the outbox and refused streams).
    /// </summary>
    [Fact]
    public async Task QuantityOutOfRange_Is400AndChangesNothing()
    {
        const int Stock = 5;
        var saleId = (await Admin.CreateSaleAsync(stock: Stock, perUserLimit: 2)).Id();
        var minted = (await Admin.MintBuyersAsync(1))[0];
        var buyer = Admin.WithToken(minted.Token);

        foreach (var quantity in new[] { 0, -1, 3, int.MaxValue, int.MinValue })
        {
            foreach (var key in new[] { null, $"q{(uint)quantity}" })
            {
                using var response = await buyer.PostJsonAsync($"/api/v1/sales/{saleId}/purchases", $$"""{"quantity":{{quantity}}}""", key);
                var text = await response.Content.ReadAsStringAsync();
                Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"quantity {quantity}, key {key}: {(int)response.StatusCode} {text}");
                var problem = JsonNode.Parse(text)!.AsObject();
                Assert.Equal("validation_failed", problem["reason"]?.GetValue<string>());
                // The message completes its field's name, as every errors message does ("Quantity must be…" until 2026-12-07).
                Assert.Equal("must be between 1 and 2 for this sale.", Assert.Single(problem["errors"]!["quantity"]!.AsArray())!.GetValue<string>());
            }
        }

        var stock = await Admin.StockAsync(saleId);
        Assert.Equal((Stock, 0), (stock.Int("remainingStock"), stock.Int("sold")));
        Assert.Empty(await Admin.AllOrdersAsync(saleId));
        Assert.Empty((await buyer.GetJsonAsync("/api/v1/me/orders"))["items"]!.AsArray());
        if (App.Storage.IsDistributed)
        {
            var sale = Guid.Parse(saleId);
            await using var redis = await RedisState.ConnectAsync(App.Storage);
            var db = redis.GetDatabase();
            Assert.Equal(Stock, (int)await db.StringGetAsync(RedisKeys.Stock(sale)));
            Assert.False(await db.HashExistsAsync(RedisKeys.Buyers(sale), minted.UserId));
            Assert.Equal(0, await db.StreamLengthAsync(RedisKeys.Outbox(sale)));
            Assert.Equal(0, await db.StreamLengthAsync(RedisKeys.Refused(sale)));
        }

        // The same buyer may still buy: none of the refusals counted.
        await BuyAsync(buyer.PurchaseAsync(saleId, 2));
    }

    /// <summary>G8: the buyer is the token's subject; a user id in the query string or a header is ignored, in the body refused.</summary>
    [Fact]
    public async Task Buyer_IsTheTokensSubject_NotTheQueryStringOrAHeader()
    {
        var saleId = (await Admin.CreateSaleAsync(stock: 5, perUserLimit: 2)).Id();
        var minted = await Admin.MintBuyersAsync(2);
        var (aliceId, bobId) = (minted[0].UserId, minted[1].UserId);
        var alice = Admin.WithToken(minted[0].Token);
        var bob = Admin.WithToken(minted[1].Token);

        using var bought = await alice.SendAsync(HttpMethod.Post, $"/api/v1/sales/{saleId}/purchases?userId={Uri.EscapeDataString(bobId)}&user_id={Uri.EscapeDataString(bobId)}",
            new StringContent("""{"quantity":1}""", System.Text.Encoding.UTF8, "application/json"), request =>
            {
                request.Headers.Add("X-User-Id", bobId);
                request.Headers.Add("X-User", bobId);
            });
        await Api.EnsureAsync(bought, HttpStatusCode.Created);
        var order = await bought.ReadJsonAsync();
        Assert.Equal(aliceId, order["userId"]!.GetValue<string>());

        // A body naming someone else is refused outright, and buys nothing for anyone.
        using var bodied = await alice.PostJsonAsync($"/api/v1/sales/{saleId}/purchases", $$"""{"quantity":1,"userId":"{{bobId}}"}""");
        await Api.EnsureAsync(bodied, HttpStatusCode.BadRequest);
        Assert.Equal("invalid_json", await Api.ReasonAsync(bodied));

        var mine = (await alice.GetJsonAsync("/api/v1/me/orders"))["items"]!.AsArray();
        Assert.Equal(order["orderId"]!.GetValue<string>(), Assert.Single(mine)!["orderId"]!.GetValue<string>());
        Assert.Empty((await bob.GetJsonAsync("/api/v1/me/orders"))["items"]!.AsArray());
        var all = await Admin.AllOrdersAsync(saleId);
        Assert.Equal(aliceId, Assert.Single(all)["userId"]!.GetValue<string>());
        Assert.Equal(4, await RemainingAsync(saleId));

        // And Bob's limit is untouched: he may still buy his two.
        await BuyAsync(bob.PurchaseAsync(saleId, 2));
    }

    private async Task<int> RemainingAsync(string saleId) => (await Admin.StockAsync(saleId)).Int("remainingStock");

    private static async Task BuyAsync(Task<HttpResponseMessage> purchase)
    {
        using var response = await purchase;
        await Api.EnsureAsync(response, HttpStatusCode.Created);
    }

    private static Task<JsonObject> ProblemAsync(Task<HttpResponseMessage> purchase, HttpStatusCode status, string reason) =>
        Api.ExpectProblemAsync(purchase, status, reason);
}
