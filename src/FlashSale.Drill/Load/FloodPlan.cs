using FlashSale.Drill.Api;

namespace FlashSale.Drill.Load;

/// <summary>What to flood: the sales, the buyers, and a tag that makes this run's idempotency keys unique.</summary>
internal sealed record FloodPlan(IReadOnlyList<string> SaleIds, IReadOnlyList<Buyer> Buyers, string RunTag)
{
    public Buyer BuyerFor(long attempt) => Buyers[(int)(attempt % Buyers.Count)];

    // Offset by the round so users do not stick to one sale when the user count is a multiple of the sale count.
    public string SaleFor(long attempt) => SaleIds[(int)((attempt + attempt / Buyers.Count) % SaleIds.Count)];

    public string KeyFor(long attempt) => $"drill-{RunTag}-{attempt}";
}
