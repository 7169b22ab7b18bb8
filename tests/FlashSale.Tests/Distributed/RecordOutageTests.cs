using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Distributed;

/// <summary>
/// G3/G7 with PostgreSQL gone: nothing is answered 201 that is not recorded; new attempts get 503
/// (or 202 pending when decided just before the outage was noticed); pending orders land when it returns.
/// </summary>
public sealed class RecordOutageTests() : RecordBehindProxyTest(new Dictionary<string, string?>
    {
        ["Distributed:CommitWait"] = "00:00:01",
    })
{
    [Fact]
    public async Task PostgresDown_Attempts503OrPending_PendingOrdersLandWhenItReturns()
    {
        var admin = await Api.AsAdminAsync(Record.App.CreateClient());
        var saleId = (await admin.CreateSaleAsync(stock: 50))["id"]!.GetValue<string>();
        var buyers = await admin.MintBuyersAsync(40);
        for (var i = 0; i < 3; i++)
        {
            using var bought = await admin.WithToken(buyers[i].Token).PurchaseAsync(saleId);
            await Api.EnsureAsync(bought, HttpStatusCode.Created);
        }

        Record.Proxy.Cut();

        var pending = new ConcurrentBag<string>();
        var statuses = await Task.WhenAll(Enumerable.Range(3, 20).Select(async i =>
        {
            using var response = await admin.WithToken(buyers[i].Token).PurchaseAsync(saleId, 1, $"outage-{i}");
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                var order = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
                Assert.Equal("pending", order["status"]!.GetValue<string>());
                pending.Add(order["orderId"]!.GetValue<string>());
            }
            else
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                Assert.NotNull(response.Headers.RetryAfter);
            }

            return response.StatusCode;
        }));
        Assert.DoesNotContain(HttpStatusCode.Created, statuses);
        // Redis decides before the record is known to be down: some attempts are taken as pending, or the rest of this
        // test (that they land when PostgreSQL returns) checks nothing.
        Assert.NotEmpty(pending);

        // Once the outage is known, attempts are refused before any decision.
        await MarkedDownAsync();
        using (var refused = await admin.WithToken(buyers[30].Token).PurchaseAsync(saleId))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        }

        Record.Proxy.Start();

        var deadline = DateTime.UtcNow.AddSeconds(20);
        long stored = 0;
        while (DateTime.UtcNow < deadline)
        {
            stored = await Record.Storage.ScalarAsync($"SELECT count(*) FROM orders WHERE sale_id = '{saleId}'");
            if (stored == 3 + pending.Count)
            {
                break;
            }

            await Task.Delay(200);
        }

        Assert.Equal(3 + pending.Count, stored);
        foreach (var id in pending)
        {
            Assert.Equal(1, await Record.Storage.ScalarAsync($"SELECT count(*) FROM orders WHERE id = '{id}'"));
        }

        // Back to normal: a new attempt is confirmed, and the books balance.
        HttpStatusCode status = 0;
        for (var i = 0; i < 50 && status != HttpStatusCode.Created; i++)
        {
            using var response = await admin.WithToken(buyers[31].Token).PurchaseAsync(saleId, 1, "after-outage");
            status = response.StatusCode;
            if (status != HttpStatusCode.Created)
            {
                await Task.Delay(200);
            }
        }

        Assert.Equal(HttpStatusCode.Created, status);
        var stock = await admin.StockAsync(saleId);
        Assert.Equal(stored + 1, stock["sold"]!.GetValue<int>());
    }
}
