using System.Net;
using FlashSale.Storage.Redis;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Distributed;

/// <summary>
/// A cancel whose record write committed and whose ledger step then failed (Redis gone between the two) is answered 503
/// saying it may not have completed — the record has the order cancelled; until 2026-12-06 the 503 said nothing had
/// changed — and a retry finishes it: the unit comes back once.
/// </summary>
public sealed class UnfinishedCancelTests : ProxiedInstances
{
    [Fact]
    public async Task ACancelWhoseLedgerStepFailed_SaysItMayNotHaveCompleted_AndTheRetryFinishesIt()
    {
        var (sale, _, orderIds) = await AdminA.SaleWithOrdersAsync(stock: 3, buyers: 2);
        var saleId = Guid.Parse(sale);

        // A's connections to Redis are reset as the cancel's ledger step (cancel.lua's keys) goes out, before Redis runs it.
        var ledgerStep = ProxyA.StallAtAsync(Wire.Bulk(RedisKeys.Cancelled(saleId).ToString(), RedisKeys.Cancelling(saleId).ToString()));
        var cancel = AdminA.PostEmptyAsync($"/api/v1/admin/orders/{orderIds[0]}/cancel");
        await ledgerStep;
        ProxyA.Cut();
        ProxyA.Resume();
        ProxyA.Start();

        using (var failed = await cancel)
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
            Assert.NotNull(failed.Headers.RetryAfter);
            Assert.Contains("may not have completed", await Api.DetailAsync(failed), StringComparison.Ordinal);
        }

        // It did change the record; the unit is not back yet.
        Assert.Equal(2, await Storage.ScalarAsync($"SELECT status FROM orders WHERE id = '{orderIds[0]}'"));
        Assert.Equal(1, (await AdminB.StockAsync(sale)).Int("remainingStock"));

        // The retry (once A reaches Redis again) finishes it; another changes nothing.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            using var retry = await AdminA.PostEmptyAsync($"/api/v1/admin/orders/{orderIds[0]}/cancel");
            if (retry.StatusCode == HttpStatusCode.OK)
            {
                break;
            }

            Assert.Equal(HttpStatusCode.ServiceUnavailable, retry.StatusCode);
            Assert.True(DateTime.UtcNow < deadline, "the retry did not get through within 10 s");
            await Task.Delay(100);
        }

        using (var again = await AdminA.PostEmptyAsync($"/api/v1/admin/orders/{orderIds[0]}/cancel"))
        {
            await Api.EnsureAsync(again, HttpStatusCode.OK);
        }

        var stock = await AdminB.StockAsync(sale);
        Assert.Equal(2, stock.Int("remainingStock"));
        Assert.Equal(1, stock.Int("sold"));
    }
}
