using FlashSale.Admin;
using FlashSale.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FlashSale.Tests.Admin;

/// <summary>The dashboard's sell-out curve: every order for a small sale, an even sample (first and last kept) past the cap.</summary>
public sealed class SellCurveTests : IAsyncLifetime
{
    private readonly TestApp _app = new();
    private Api _admin = null!;

    public async Task InitializeAsync() => _admin = await Api.AsAdminAsync(_app.CreateClient());

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task SellCurve_IsEveryOrderUpToTheCap_ThenAnEvenSampleWithTheFirstAndLast()
    {
        var (saleId, _, _) = await _admin.SaleWithOrdersAsync(stock: 30, buyers: 24);
        var stats = _app.Services.GetRequiredService<IStatsStore>();
        var id = Guid.Parse(saleId);

        var all = await stats.GetSellCurveAsync(id, 50, CancellationToken.None);
        Assert.Equal(Enumerable.Range(1, 24), all.Select(p => p.UnitsSold));

        var sampled = await stats.GetSellCurveAsync(id, 6, CancellationToken.None);
        Assert.InRange(sampled.Count, 2, 6);
        Assert.Equal(1, sampled[0].UnitsSold);
        Assert.Equal(24, sampled[^1].UnitsSold);
        Assert.Equal(sampled.Select(p => p.UnitsSold).Order(), sampled.Select(p => p.UnitsSold));
        Assert.All(sampled, p => Assert.Contains(p, all));

        Assert.Empty(await stats.GetSellCurveAsync(Guid.NewGuid(), 6, CancellationToken.None));
    }
}
