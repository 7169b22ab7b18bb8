namespace FlashSale.Drill.Checking;

/// <summary>
/// The sale as the checker holds it to: how many units and how many per user. For a sale the drill created these are
/// what it asked for (<c>--stock</c>, <c>--limit</c>), never what the server says back; with <c>--sale</c>, the server's
/// terms when the run began.
/// </summary>
internal sealed record SaleFacts(string SaleId, int TotalStock, int PerUserLimit)
{
    /// <summary>The drill created this sale (its terms are the drill's); false for <c>--sale</c>.</summary>
    public bool CreatedByDrill { get; init; }

    /// <summary>The terms the server gave back for a created sale (its create answer, the sale once open, after the flood).</summary>
    public IReadOnlyList<SaleTerms> Served { get; init; } = [];
}
