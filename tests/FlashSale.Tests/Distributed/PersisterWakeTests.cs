using System.Net;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Distributed;

/// <summary>
/// A purchase wakes its instance's persister, or marks the stream for the pass that is running, which reads again
/// before it stops. With the periodic sweep out of reach (10 s), an order whose wake were lost would wait past
/// CommitWait and be answered 202 pending: every purchase of a concurrent stream must be a 201. (Skipping the wake
/// whenever a pass had run made 144 of 300 wait; the narrow case, an append between a pass's last read and its end,
/// is not forced here: the pass's re-read of a marked stream covers it, OutboxPersister.PumpAsync.)
/// </summary>
public sealed class PersisterWakeTests() : AdminAppTest(new TestApp(kind: StorageKind.Redis, settings: new Dictionary<string, string?>
{
    ["Distributed:SweepInterval"] = "00:00:10",
    ["Distributed:CommitWait"] = "00:00:03",
}))
{
    [Fact]
    public async Task ConcurrentPurchases_AreEachRecordedWithoutTheSweep()
    {
        var sale = (await Admin.CreateSaleAsync(stock: 10_000, perUserLimit: 1000)).Id();
        // 25 each: under the 30 purchases a minute one buyer may make.
        var buyers = await Admin.MintBuyersAsync(12);

        var statuses = await Task.WhenAll(buyers.Select(async buyer =>
        {
            var client = Admin.WithToken(buyer.Token);
            var seen = new List<HttpStatusCode>();
            for (var i = 0; i < 25; i++)
            {
                using var response = await client.PurchaseAsync(sale, 1);
                seen.Add(response.StatusCode);
                if (i % 7 == 0)
                {
                    // Pauses let passes end between purchases: the moment a wake can fall between a pass's last read and its end.
                    await Task.Delay(Random.Shared.Next(0, 5));
                }
            }

            return seen;
        }));

        var all = statuses.SelectMany(s => s).ToList();
        Assert.Equal(300, all.Count);
        Assert.All(all, s => Assert.Equal(HttpStatusCode.Created, s));
    }
}
