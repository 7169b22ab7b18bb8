using FlashSale.Drill.Api;

namespace FlashSale.Drill.Load;

/// <summary>What to flood: the sales, the buyers, and a tag that makes this run's idempotency keys unique.</summary>
internal sealed record FloodPlan(IReadOnlyList<string> SaleIds, IReadOnlyList<Buyer> Buyers, string RunTag)
{
    public Buyer BuyerFor(long attempt) => Buyers[(int)(attempt % Buyers.Count)];

    /// <summary>
    /// Buyer <c>u</c> (attempt mod users) in round <c>r</c> (attempt div users) goes to sale <c>(u + r) mod sales</c>: each
    /// round spreads the buyers evenly, and every buyer moves on one sale a round, so in any <c>sales</c> rounds each buyer
    /// meets every sale, whatever the counts. (Until 2026-12-07 it was <c>(attempt + round) mod sales</c>, i.e.
    /// <c>u + r·(users + 1)</c>: when users + 1 was a multiple of the sale count, as soak's 500 buyers and 3 sales — 501 —,
    /// every buyer stuck to one sale, reached its limit there, and the sales never sold out.)
    /// </summary>
    public string SaleFor(long attempt) =>
        SaleIds[(int)((attempt % Buyers.Count + attempt / Buyers.Count) % SaleIds.Count)];

    public string KeyFor(long attempt) => $"drill-{RunTag}-{attempt}";
}
