using FlashSale.Sales;

namespace FlashSale.Admin;

/// <summary>
/// The shop's numbers from the system of record, counting <em>confirmed</em> orders only (cancelled ones are
/// subtracted). One call must stay fast however many orders there are: implementations read maintained
/// aggregates (per sale, per UTC day, distinct buyers) kept in the same transaction as the order writes,
/// so the cost is O(sales + days), never a scan of the orders.
/// </summary>
public interface IStatsStore
{
    /// <summary>Totals, every sale's totals (sales without orders included, with zeros), and the UTC days
    /// <paramref name="firstDay"/>..<paramref name="lastDay"/> that have confirmed orders, per currency, by day then
    /// currency (missing days have none).</summary>
    Task<StatsData> GetAsync(DateOnly firstDay, DateOnly lastDay, CancellationToken ct);

    /// <summary>One sale's totals (zeros without orders), or null when the sale does not exist. O(1).</summary>
    Task<SaleTotals?> GetSaleAsync(Guid saleId, CancellationToken ct);

    /// <summary>
    /// The sell-out curve: units sold as each order was placed (stock minus the order's remaining-after), in
    /// purchase order. Every order while the sale has at most <paramref name="maxPoints"/>; past that, about
    /// <paramref name="maxPoints"/> orders spread evenly over the sale's purchase order, always with the first
    /// and the last. Index seeks only: O(points × log orders), never a read of every order of a large sale.
    /// </summary>
    Task<IReadOnlyList<SellPoint>> GetSellCurveAsync(Guid saleId, int maxPoints, CancellationToken ct);
}

/// <summary>Units sold by <see cref="At"/>, cumulative.</summary>
public sealed record SellPoint(DateTimeOffset At, int UnitsSold);

public sealed record StatsData(StatsTotals Totals, IReadOnlyList<SaleTotals> Sales, IReadOnlyList<DayTotals> Days);

/// <summary>Counts over every confirmed order; revenue is per currency, in <see cref="SaleTotals"/> and <see cref="DayTotals"/>.</summary>
public sealed record StatsTotals(long Units, long Orders, long UniqueBuyers);

/// <summary>
/// <paramref name="LastPurchasedAt"/>: the latest purchase (a cancel does not move it back). <paramref name="SoldOutAt"/>: the
/// first moment the sale's sold units reached its stock, kept by the record as the order that did it was recorded, whatever
/// was cancelled and sold again since; null while it never has. Until 2026-12-07 the last purchase stood for it, and a
/// sale that sold out in 4 s showed 1 min 52 s once a cancelled unit sold again.
/// </summary>
public sealed record SaleTotals(Sale Sale, int Units, decimal Revenue, int Orders, DateTimeOffset? LastPurchasedAt, DateTimeOffset? SoldOutAt);

/// <summary>One UTC day's confirmed orders in one currency (the sale's): a day with orders in two currencies has two.</summary>
public sealed record DayTotals(DateOnly Day, string Currency, decimal Revenue, long Units, long Orders);
