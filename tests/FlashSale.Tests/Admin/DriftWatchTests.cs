using FlashSale.Admin;
using FlashSale.Tests.Conformance;
using FlashSale.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FlashSale.Tests.Admin;

/// <summary>
/// The drift check runs by itself every <c>Reconciliation:CheckInterval</c>: drift planted in the record shows in the
/// gauges <c>/metrics</c> exports without anyone asking, and nothing is repaired. A setting out of range stops the start naming it.
/// </summary>
public sealed class DriftWatchTests
{
    [Fact]
    public async Task DriftInTheRecord_IsFoundByThePeriodicCheck_AndLeftForTheOperator()
    {
        await using var app = new TestApp(settings: new Dictionary<string, string?> { ["Reconciliation:CheckInterval"] = "00:00:00.200" });
        var admin = await Api.AsAdminAsync(app.CreateClient());
        var (sale, _, orders) = await admin.SaleWithOrdersAsync(stock: 5, buyers: 2);
        var watch = app.Services.GetRequiredService<DriftWatch>();
        var before = watch.Latest?.CheckedAt;

        app.DeleteOrderByHand(orders[0]);

        // Real time: the watch's timer on the server's clock; a check every 200 ms, so seconds are plenty.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (watch.Latest is not { DriftedSales: 1 } && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.Equal(1, watch.Latest?.DriftedSales);
        Assert.NotEqual(before, watch.Latest?.CheckedAt);
        Assert.Equal(1, ReconcileConformance.Gauge(app, "flashsale.ledger.drifted_sales"));
        Assert.True(ReconcileConformance.Gauge(app, "flashsale.ledger.drift_checked") > 0);
        // Found, not repaired: the ledger still holds the vanished order's unit.
        Assert.Equal(3, (await admin.StockAsync(sale)).Int("remainingStock"));
    }

    /// <summary>Negative, or shorter than a timer ticks (it stopped the start with "A task was canceled." until 2026-12-07).</summary>
    [Theory]
    [InlineData("-00:00:01")]
    [InlineData("00:00:00.0005")]
    public async Task AnIntervalNoTimerKeeps_StopsTheStart_NamingTheSetting(string interval)
    {
        await using var app = new TestApp(settings: new Dictionary<string, string?> { ["Reconciliation:CheckInterval"] = interval });

        var error = Assert.ThrowsAny<Exception>(() => app.CreateClient());

        Assert.Contains("Reconciliation:CheckInterval", error.ToString(), StringComparison.Ordinal);
    }
}
