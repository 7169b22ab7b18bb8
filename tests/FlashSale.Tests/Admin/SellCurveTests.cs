using FlashSale.Admin;
using FlashSale.Tests.Conformance;
using FlashSale.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FlashSale.Tests.Admin;

public sealed class SellCurveOnEmbedded() : SellCurveConformance(StorageKind.Embedded);

public sealed class SellCurveOnRedis() : SellCurveConformance(StorageKind.Redis);

/// <summary>The dashboard's sell-out curve: every order for a small sale, an even sample (first and last kept) past the cap.</summary>
public abstract class SellCurveConformance(StorageKind kind) : ConformanceTest(kind)
{
    [Fact]
    public async Task SellCurve_IsEveryOrderUpToTheCap_ThenAnEvenSampleWithTheFirstAndLast()
    {
        var (saleId, _, _) = await Admin.SaleWithOrdersAsync(stock: 30, buyers: 24);
        var stats = App.Services.GetRequiredService<IStatsStore>();
        var id = Guid.Parse(saleId);

        var all = await stats.GetSellCurveAsync(id, 50, CancellationToken.None);
        Assert.Equal(24, all.Count);
        Assert.Equal(all.Select(p => p.UnitsSold).Order(), all.Select(p => p.UnitsSold));
        Assert.Equal(24, all[^1].UnitsSold);

        var sampled = await stats.GetSellCurveAsync(id, 6, CancellationToken.None);
        Assert.InRange(sampled.Count, 2, 6);
        Assert.Equal(all[0], sampled[0]);
        Assert.Equal(all[^1], sampled[^1]);
        Assert.All(sampled, p => Assert.Contains(p, all));

        Assert.Empty(await stats.GetSellCurveAsync(Guid.NewGuid(), 6, CancellationToken.None));
    }
}
