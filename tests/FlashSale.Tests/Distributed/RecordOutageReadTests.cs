using System.Net;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Distributed;

/// <summary>
/// Reads served by PostgreSQL while it is gone: a buyer's orders, the admin's orders and stats, a sale's leaderboard
/// answer 503 `unavailable` with Retry-After (a dependency down), never a 500, and answer again once it is back.
/// </summary>
public sealed class RecordOutageReadTests : IAsyncLifetime
{
    private RecordBehindProxy _record = null!;

    public Task InitializeAsync()
    {
        _record = RecordBehindProxy.Create(new Dictionary<string, string?>());
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _record.DisposeAsync();

    [Fact]
    public async Task ReadsFromARecordThatIsDown_Answer503WithRetryAfter_AndAnswerAgainWhenItIsBack()
    {
        var admin = await Api.AsAdminAsync(_record.App.CreateClient());
        var saleId = (await admin.CreateSaleAsync(stock: 10))["id"]!.GetValue<string>();
        var buyer = admin.WithToken((await admin.MintBuyersAsync(1))[0].Token);
        using (var bought = await buyer.PurchaseAsync(saleId))
        {
            await Api.EnsureAsync(bought, HttpStatusCode.Created);
        }

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

        _record.Proxy.Cut();
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
            _record.Proxy.Start();
        }

        foreach (var (caller, path) in reads)
        {
            using var after = await caller.GetAsync(path);
            await Api.EnsureAsync(after, HttpStatusCode.OK);
        }
    }
}
