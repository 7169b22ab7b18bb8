using FlashSale.Drill.Load;

namespace FlashSale.Drill.Checking;

/// <summary>The checker's inputs with the lookups every check needs, built once.</summary>
internal sealed class CheckContext
{
    public CheckContext(IReadOnlyList<AttemptRecord> records, IReadOnlyList<SaleEvidence> sales, Expectation? expectation,
        RunFacts? run = null)
    {
        Records = records;
        Sales = sales;
        Expectation = expectation;
        Run = run ?? new RunFacts();
        DrillUsers = Run.DrillUsers ?? records.Select(r => r.UserId).ToHashSet(StringComparer.Ordinal);
        Acks = [.. records.Where(r => r.IsSuccess && r.OrderId is not null)];
        AckedOrderIds = [.. Acks.Select(r => r.OrderId!)];
        Preexisting = [.. sales.SelectMany(s => s.PreexistingOrderIds)];
        OrdersById = sales.SelectMany(s => s.Orders)
            .GroupBy(o => o.OrderId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<ServerOrder>)[.. g], StringComparer.Ordinal);
    }

    public IReadOnlyList<AttemptRecord> Records { get; }
    public IReadOnlyList<SaleEvidence> Sales { get; }
    public Expectation? Expectation { get; }
    public RunFacts Run { get; }
    public IReadOnlySet<string> DrillUsers { get; }

    /// <summary>Every 2xx that carried an order id.</summary>
    public IReadOnlyList<AttemptRecord> Acks { get; }

    public HashSet<string> AckedOrderIds { get; }
    public HashSet<string> Preexisting { get; }
    public IReadOnlyDictionary<string, IReadOnlyList<ServerOrder>> OrdersById { get; }

    /// <summary>Orders placed during the drill (not there before it).</summary>
    public IEnumerable<ServerOrder> NewOrders => Sales.SelectMany(s => s.Orders).Where(o => !Preexisting.Contains(o.OrderId));

    public static string Short(string id) => id.Length > 13 ? id[..8] + "…" : id;
}
