namespace FlashSale.Drill.Checking;

/// <summary>
/// What the server says about one sale after the flood. <see cref="PreexistingOrderIds"/> are orders that existed
/// before the drill started (a reused <c>--sale</c>): they count toward stock and limits but need no client attempt.
/// </summary>
internal sealed record SaleEvidence(
    SaleFacts Sale,
    StockSnapshot Stock,
    IReadOnlyList<ServerOrder> Orders,
    IReadOnlySet<string> PreexistingOrderIds)
{
    /// <summary>
    /// The stock counters changed while the orders were listed, every time it was tried: something else was buying (a
    /// live <c>--sale</c> sale), so the listing and the counters are not one moment.
    /// </summary>
    public bool Moving { get; init; }
}
