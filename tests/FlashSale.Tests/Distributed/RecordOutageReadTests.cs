using System.Diagnostics;
using System.Net;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Distributed;

/// <summary>
/// Reads served by PostgreSQL while it is gone (cut) or stalled: a buyer's orders, the admin's orders and stats, a
/// sale's leaderboard answer 503 `unavailable` with Retry-After (a dependency down), never a 500; a stall holds a
/// read no longer than <c>Distributed:RequestCommandTimeout</c>, and once noticed none at all; all answer again once
/// PostgreSQL is back.
/// </summary>
public sealed class RecordOutageReadTests() : RecordBehindProxyTest(new Dictionary<string, string?>
    {
        ["Distributed:RequestCommandTimeout"] = "00:00:02",
    })
{
    [Fact]
    public async Task ReadsFromARecordThatIsDown_Answer503WithRetryAfter_AndAnswerAgainWhenItIsBack()
    {
        var admin = await Api.AsAdminAsync(Record.App.CreateClient());
        var (saleId, buyers, _) = await admin.SaleWithOrdersAsync(stock: 10, buyers: 1);
        var buyer = admin.WithToken(buyers[0].Token);

        (Api Caller, string Path)[] reads =
        [
            (buyer, "/api/v1/me/orders"),
            (buyer, $"/api/v1/sales/{saleId}/purchases/me"),
            (admin, $"/api/v1/admin/sales/{saleId}/orders"),
            (admin, "/api/v1/admin/stats"),
            (buyer, $"/api/v1/sales/{saleId}/leaderboard"),
        ];
        foreach (var (caller, path) in reads)
        {
            using var before = await caller.GetAsync(path);
            await Api.EnsureAsync(before, HttpStatusCode.OK);
        }

        Record.Proxy.Cut();
        try
        {
            foreach (var (caller, path) in reads)
            {
                using var down = await caller.GetAsync(path);
                Assert.True(down.StatusCode == HttpStatusCode.ServiceUnavailable,
                    $"{path} answered {(int)down.StatusCode} while PostgreSQL was down: {await down.Content.ReadAsStringAsync()}");
                Assert.Equal("unavailable", await Api.ReasonAsync(down));
                Assert.NotNull(down.Headers.RetryAfter);
            }
        }
        finally
        {
            Record.Proxy.Start();
        }

        // Back: the reads answer again once the persister's ping (every second) has seen the record answer; until then
        // a read may still be refused at once as the record is marked down (CI saw a 503 right after the restart).
        foreach (var (caller, path) in reads)
        {
            var deadline = DateTime.UtcNow.AddSeconds(15);
            HttpStatusCode status;
            string body;
            do
            {
                using var after = await caller.GetAsync(path);
                status = after.StatusCode;
                body = await after.Content.ReadAsStringAsync();
                if (status == HttpStatusCode.ServiceUnavailable)
                {
                    Assert.Equal("unavailable", await Api.ReasonAsync(after));
                    await Task.Delay(200);
                }
            }
            while (status == HttpStatusCode.ServiceUnavailable && DateTime.UtcNow < deadline);

            Assert.True(status == HttpStatusCode.OK, $"{path} answered {(int)status} 15 s after PostgreSQL came back: {body}");
        }
    }

    [Fact]
    public async Task ReadsDuringAStall_AreHeldNoLongerThanTheRequestTimeout_Then503AtOnce()
    {
        var admin = await Api.AsAdminAsync(Record.App.CreateClient());
        var buyer = admin.WithToken((await admin.MintBuyersAsync(1))[0].Token);
        using (var before = await buyer.GetAsync("/api/v1/me/orders"))
        {
            await Api.EnsureAsync(before, HttpStatusCode.OK);
        }

        Record.Proxy.Stall();
        try
        {
            // Before the record is noticed down: held by the request timeout (2 s here; 30 s and more before), then 503.
            var first = Stopwatch.StartNew();
            using (var held = await buyer.GetAsync("/api/v1/me/orders"))
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, held.StatusCode);
                Assert.NotNull(held.Headers.RetryAfter);
            }

            Assert.True(first.Elapsed < TimeSpan.FromSeconds(10), $"the first read during the stall took {first.Elapsed.TotalSeconds:F1} s");

            // Once the persister's ping has noticed (within a few seconds), reads are refused without waiting.
            var deadline = DateTime.UtcNow.AddSeconds(15);
            TimeSpan took;
            do
            {
                var next = Stopwatch.StartNew();
                using var refused = await buyer.GetAsync("/api/v1/me/orders");
                took = next.Elapsed;
                Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            }
            while (took > TimeSpan.FromMilliseconds(500) && DateTime.UtcNow < deadline);

            Assert.True(took < TimeSpan.FromMilliseconds(500), $"reads still waited {took.TotalSeconds:F1} s for a stalled PostgreSQL after 15 s");
        }
        finally
        {
            Record.Proxy.Resume();
        }

        var back = DateTime.UtcNow.AddSeconds(15);
        HttpStatusCode status;
        do
        {
            using var again = await buyer.GetAsync("/api/v1/me/orders");
            status = again.StatusCode;
            if (status != HttpStatusCode.OK)
            {
                await Task.Delay(200);
            }
        }
        while (status != HttpStatusCode.OK && DateTime.UtcNow < back);

        Assert.Equal(HttpStatusCode.OK, status);
    }
}
