using System.ComponentModel.DataAnnotations;

namespace FlashSale.Sales;

/// <summary>Settings of the public sale list (<c>Sales:*</c>).</summary>
public sealed class SalesOptions
{
    public const string Section = "Sales";

    /// <summary>
    /// Oldest stock the public list (<c>GET /api/v1/sales</c>) and the home page's cards may show, per distributed instance (<see cref="ListStockCache"/>;
    /// the embedded ledger's stock is read from memory at every request);
    /// 0 reads every sale's stock on every request. The home page polls the list every 5 s per open tab: with 1,000
    /// sales that was 2,000 Redis commands a poll, for cards that show it 5 s late anyway. A sale's own endpoints, its
    /// live feed and purchases never use it. At most a minute: the list is still "live".
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00",
        ErrorMessage = "Sales:ListStockMaxAge must be from 00:00:00 (off: exact on every request) to 00:01:00.")]
    public TimeSpan ListStockMaxAge { get; set; } = TimeSpan.FromSeconds(1);
}
