using FlashSale.Drill.Api;
using FlashSale.Drill.Load;

namespace FlashSale.Drill.Tests;

/// <summary>Which buyer makes an attempt and on which sale: every buyer must meet every sale, whatever the counts.</summary>
public sealed class FloodPlanTests
{
    private static FloodPlan Plan(int users, int sales) => new(
        [.. Enumerable.Range(0, sales).Select(s => $"sale-{s}")],
        [.. Enumerable.Range(0, users).Select(u => new Buyer($"u{u}", $"buyer{u}", $"t{u}"))],
        "tag");

    /// <summary>
    /// In any <c>sales</c> rounds of attempts, each buyer reaches every sale. Until 2026-12-07 soak (500 buyers, 3 sales)
    /// kept each buyer on one sale — 501 is a multiple of 3 —, each sale sold 8,350 of 10,000 and then only
    /// <c>limit_reached</c> came back; so did the nginx soak test's 200 buyers on 3 sales (201).
    /// </summary>
    [Theory]
    [InlineData(501, 3)]
    [InlineData(500, 3)] // soak's own
    [InlineData(200, 3)] // MultiInstanceTests' soak shape
    [InlineData(2, 3)]
    [InlineData(5, 3)]
    [InlineData(3, 3)]
    [InlineData(6, 3)]
    [InlineData(9, 10)]
    [InlineData(19, 10)]
    [InlineData(100, 10)]
    [InlineData(7, 2)]
    [InlineData(1, 4)]
    [InlineData(50, 1)]
    public void EveryBuyer_ReachesEverySale(int users, int sales)
    {
        var plan = Plan(users, sales);
        var reached = new Dictionary<string, HashSet<string>>();

        for (long attempt = 0; attempt < (long)users * sales; attempt++)
        {
            var buyer = plan.BuyerFor(attempt).UserId;
            (reached.TryGetValue(buyer, out var set) ? set : reached[buyer] = []).Add(plan.SaleFor(attempt));
        }

        Assert.Equal(users, reached.Count);
        Assert.All(reached, p => Assert.Equal(sales, p.Value.Count));
    }

    /// <summary>Each round of attempts (one per buyer) spreads the buyers evenly over the sales: no sale is left out.</summary>
    [Theory]
    [InlineData(501, 3)]
    [InlineData(200, 3)]
    [InlineData(10, 4)]
    public void EachRound_SpreadsTheBuyersEvenly(int users, int sales)
    {
        var plan = Plan(users, sales);
        for (var round = 0; round < sales + 2; round++)
        {
            var counts = Enumerable.Range(0, users)
                .GroupBy(u => plan.SaleFor((long)round * users + u))
                .Select(g => g.Count())
                .ToList();

            Assert.Equal(Math.Min(users, sales), counts.Count);
            Assert.True(counts.Max() - counts.Min() <= 1, $"round {round}: {string.Join(", ", counts)}");
        }
    }
}
