using System.Net;
using System.Text.Json.Nodes;
using FlashSale.Orders;
using FlashSale.Storage.Postgres;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Distributed;

/// <summary>
/// A sale's orders paged oldest first (keyset on <c>seq</c>) never pass over an order that shows up later: with several
/// instances, two persisters insert batches of one sale at once, and <c>seq</c> is taken at the insert, not at the
/// commit. The second instance is played by a transaction running the persister's own statement
/// (<see cref="PostgresOrderRecord.InsertSql"/>) and holding its commit. Until 2026-12-06 the batches did not wait for
/// each other: a lower seq committed after the page whose cursor had passed it, and no page ever listed that order.
/// </summary>
public sealed class AdminOrderPagesAcrossInstancesTests() : AdminAppTest(new TestApp(kind: StorageKind.Redis, settings: new Dictionary<string, string?>
{
    // Buyers whose batch waits for the other instance's commit hear 201, not 202 pending.
    ["Distributed:CommitWait"] = "00:00:15",
}))
{
    [Fact]
    public async Task AnOrderCommittedAfterAPageWhoseCursorPassedIt_IsNotSkipped()
    {
        var sale = (await Admin.CreateSaleAsync(stock: 100, perUserLimit: 10)).Id();
        var saleId = Guid.Parse(sale);
        var buyers = await Admin.MintBuyersAsync(3);
        using (var first = await Admin.WithToken(buyers[0].Token).PurchaseAsync(sale))
        {
            Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        }

        var epoch = await App.Storage.ScalarAsync($"SELECT ledger_epoch FROM sales WHERE id = '{sale}'");
        var later = new List<Task<HttpResponseMessage>>();
        JsonObject firstPage;
        await using (var otherInstance = App.Storage.OpenDatabase())
        {
            // The other instance's batch: inserted, its seq taken, not yet committed.
            await using var batch = await otherInstance.BeginTransactionAsync();
            await using (var insert = new Npgsql.NpgsqlCommand(PostgresOrderRecord.InsertSql, otherInstance, batch))
            {
                PostgresOrderRecord.AddInsertParameters(insert.Parameters, [new DecidedOrder(OtherInstancesOrder(saleId), false, epoch)]);
                await insert.ExecuteNonQueryAsync();
            }

            // This instance's next two orders, one after the other: committed at once, or waiting for that batch.
            foreach (var buyer in buyers.Skip(1))
            {
                var bought = Admin.WithToken(buyer.Token).PurchaseAsync(sale);
                await Task.WhenAny(bought, Task.Delay(TimeSpan.FromSeconds(1)));
                later.Add(bought);
            }

            firstPage = await Admin.GetJsonAsync($"/api/v1/admin/sales/{sale}/orders?limit=2");
            await batch.CommitAsync();
        }

        // Everything lands; then the admin goes on from the first page's cursor, as a client following the list does.
        foreach (var answer in await Task.WhenAll(later))
        {
            Assert.Equal(HttpStatusCode.Created, answer.StatusCode);
            answer.Dispose();
        }

        var walked = Ids(firstPage).ToList();
        for (var cursor = firstPage["nextCursor"]?.GetValue<string>(); cursor is not null;)
        {
            var page = await Admin.GetJsonAsync($"/api/v1/admin/sales/{sale}/orders?limit=2&cursor={cursor}");
            walked.AddRange(Ids(page));
            cursor = page["nextCursor"]?.GetValue<string>();
        }

        // What the pages listed is the list's beginning: an order listed after one never listed is a skip for good.
        var all = (await Admin.AllOrdersAsync(sale)).Select(o => o["orderId"]!.GetValue<string>()).ToList();
        Assert.Equal(4, all.Count);
        Assert.NotEmpty(walked);
        Assert.Equal(all.Take(walked.Count), walked);
    }

    private static Order OtherInstancesOrder(Guid saleId) => new()
    {
        Id = Guid.CreateVersion7(),
        SaleId = saleId,
        UserId = "other-instance-buyer",
        Username = "other",
        Quantity = 1,
        UnitPrice = 10m,
        Currency = "USD",
        PurchasedAt = DateTimeOffset.UtcNow,
        RemainingAfter = 98,
    };

    private static IEnumerable<string> Ids(JsonObject page) => page["items"]!.AsArray().Select(o => o!["orderId"]!.GetValue<string>());
}
