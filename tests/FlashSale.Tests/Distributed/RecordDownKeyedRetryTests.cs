using System.Net;
using System.Text.Json.Nodes;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Distributed;

/// <summary>
/// G5 while the record is marked down: nothing new is decided, but a keyed retry is told what its key holds, not "nothing
/// was bought" (which a client reads as the key's outcome, and buys again under a new key). A key decided before the
/// outage replays (202 pending for an order Redis keeps, its 409 for a remembered rejection); a key with no decision is
/// 503 nothing bought, as an attempt without a key is; a sale whose state Redis lost (its key's order in the record
/// alone) is 503 with the outcome unknown. PostgreSQL is behind a proxy that is stalled: attempts decided in the 2 s
/// before the persister's ping notices are kept in Redis. Before 2026-12-06 every attempt while the record was down was
/// answered "nothing was bought", the pending order's key too.
/// </summary>
public sealed class RecordDownKeyedRetryTests() : RecordBehindProxyTest(new Dictionary<string, string?>
    {
        ["RateLimiting:Enabled"] = "false",
        ["Distributed:CommitWait"] = "00:00:01",
    })
{
    private const string NothingBought = "Orders cannot be recorded right now; nothing was bought. Try again shortly.";

    [Fact]
    public async Task AKeyedRetryWhileTheRecordIsDown_IsAnsweredWhatItsKeyHolds_AFreshKeyNothingBought()
    {
        var admin = await Api.AsAdminAsync(Record.App.CreateClient());
        var sale = (await admin.CreateSaleAsync(stock: 10, perUserLimit: 2)).Id();
        var lost = (await admin.CreateSaleAsync(stock: 10, perUserLimit: 1)).Id();
        var buyers = await admin.MintBuyersAsync(4);
        Api Buyer(int i) => admin.WithToken(buyers[i].Token);

        // Before the outage: buyer 1 holds the limit, and its second key a remembered limit_reached; buyer 2 an order of
        // the sale whose state Redis will lose.
        await Buyer(1).BoughtAsync(sale, "b1-order", quantity: 2);
        await Api.ExpectProblemAsync(Buyer(1).PurchaseAsync(sale, 1, "b1-refused"), HttpStatusCode.Conflict, "limit_reached");
        var lostOrder = await Buyer(2).BoughtAsync(lost, "b2-order");

        // Decided as the stall begins, before the ping notices it: kept in Redis, answered 202 pending.
        Record.Proxy.Stall();
        string pending;
        using (var decided = await Buyer(0).PurchaseAsync(sale, 1, "b0-pending"))
        {
            await Api.EnsureAsync(decided, HttpStatusCode.Accepted);
            pending = JsonNode.Parse(await decided.Content.ReadAsStringAsync())!["orderId"]!.GetValue<string>();
        }

        await MarkedDownAsync();

        // The pending order's key: its replay (202, the same order), never "nothing was bought".
        using (var retried = await Buyer(0).PurchaseAsync(sale, 1, "b0-pending"))
        {
            var body = await retried.Content.ReadAsStringAsync();
            Assert.True(retried.StatusCode == HttpStatusCode.Accepted, $"the pending key's retry answered {(int)retried.StatusCode}: {body}");
            var order = JsonNode.Parse(body)!;
            Assert.Equal(pending, order["orderId"]!.GetValue<string>());
            Assert.Equal("pending", order["status"]!.GetValue<string>());
        }

        // Another quantity under it: 422, as its replay (one out of the sale's range 400, as purchase.lua checks that
        // first); a remembered rejection: its 409.
        await Api.ExpectProblemAsync(Buyer(0).PurchaseAsync(sale, 2, "b0-pending"), HttpStatusCode.UnprocessableEntity, "idempotency_key_mismatch");
        await Api.ExpectProblemAsync(Buyer(0).PurchaseAsync(sale, 3, "b0-pending"), HttpStatusCode.BadRequest, "validation_failed");
        await Api.ExpectProblemAsync(Buyer(1).PurchaseAsync(sale, 1, "b1-refused"), HttpStatusCode.Conflict, "limit_reached");

        // No decision under the key, or no key: 503, nothing bought, the outcome known.
        var fresh = await Api.ExpectProblemAsync(Buyer(3).PurchaseAsync(sale, 1, "b3-fresh"), HttpStatusCode.ServiceUnavailable, "unavailable");
        Assert.Null(fresh["outcomeUnknown"]);
        Assert.Contains("nothing was bought, and no purchase is decided under this Idempotency-Key", fresh["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        var keyless = await Api.ExpectProblemAsync(Buyer(3).PurchaseAsync(sale), HttpStatusCode.ServiceUnavailable, "unavailable");
        Assert.Null(keyless["outcomeUnknown"]);
        Assert.Equal(NothingBought, keyless["detail"]!.GetValue<string>());

        // A sale whose state Redis lost: its keys' orders are in the record alone, which cannot be read. Outcome unknown.
        await RedisState.LoseAsync(Record.Storage, Guid.Parse(lost));
        var unknown = await Api.ExpectProblemAsync(Buyer(2).PurchaseAsync(lost, 1, "b2-order"), HttpStatusCode.ServiceUnavailable, "unavailable");
        Assert.True(unknown["outcomeUnknown"]?.GetValue<bool>(), $"the problem was {unknown}");
        Assert.Contains("retry with the same key", unknown["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(NothingBought,
            (await Api.ExpectProblemAsync(Buyer(2).PurchaseAsync(lost), HttpStatusCode.ServiceUnavailable, "unavailable"))["detail"]!.GetValue<string>());

        // Back: the pending key's retry answers its order, recorded once; the lost sale's key its recorded order.
        Record.Proxy.Resume();
        Assert.Equal(pending, await UntilConfirmedAsync(Buyer(0), sale, "b0-pending"));
        Assert.Equal(lostOrder, await UntilConfirmedAsync(Buyer(2), lost, "b2-order"));
        Assert.Equal(1, await Record.Storage.ScalarAsync($"SELECT count(*) FROM orders WHERE sale_id = '{sale}' AND user_id = '{buyers[0].UserId}'"));
    }

    /// <summary>The key's retry until it answers 201 (503 or 202 while the record comes back): its order's id.</summary>
    private static async Task<string> UntilConfirmedAsync(Api buyer, string sale, string key)
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            using var response = await buyer.PurchaseAsync(sale, 1, key);
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == HttpStatusCode.Created)
            {
                return JsonNode.Parse(body)!["orderId"]!.GetValue<string>();
            }

            Assert.True(response.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.ServiceUnavailable, $"answered {(int)response.StatusCode}: {body}");
            Assert.True(DateTime.UtcNow < until, $"the key {key} was not answered 201 within 30 s of the record's return: {body}");
            await Task.Delay(200);
        }
    }
}
