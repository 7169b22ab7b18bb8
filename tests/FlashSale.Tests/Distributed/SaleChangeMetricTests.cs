using FlashSale.Storage.Postgres;
using FlashSale.Tests.Infrastructure;
using FlashSale.Tests.Operations;
using Microsoft.Extensions.DependencyInjection;

namespace FlashSale.Tests.Distributed;

/// <summary>
/// <c>flashsale_sale_changes_listening</c>: 1 while the instance hears PostgreSQL's sale notices, 0 with remembering
/// off. Alone, after the parallel tests: every live instance's gauge of the same name lands in the same series.
/// </summary>
[Collection(ProcessWideMetrics.Name)]
public sealed class SaleChangeMetricTests
{
    [Fact]
    public async Task TheGauge_SaysWhetherTheInstanceListens()
    {
        await using (var listening = new TestApp(kind: StorageKind.Redis))
        {
            await RememberedSalesTests.ListeningAsync(listening);
            Assert.Equal("1", await ListeningGaugeAsync(listening));
        }

        await using var off = new TestApp(kind: StorageKind.Redis, settings: new Dictionary<string, string?> { ["Distributed:RememberSales"] = "false" });
        Assert.False(off.Services.GetRequiredService<SaleChangeListener>().Listening);
        Assert.Equal("0", await ListeningGaugeAsync(off));
    }

    /// <summary>The sample on /metrics (its labels aside), not the help text.</summary>
    private static async Task<string> ListeningGaugeAsync(TestApp app)
    {
        var metrics = await app.CreateClient().GetStringAsync("/metrics");
        var sample = metrics.Split('\n').Single(l => l.StartsWith("flashsale_sale_changes_listening", StringComparison.Ordinal));
        return sample[(sample.LastIndexOf(' ') + 1)..];
    }
}
