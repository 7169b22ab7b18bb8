namespace FlashSale.Live;

/// <summary>
/// Told by the ledger whenever a sale's stock or status may have changed. Implementations must
/// return at once (the caller is on the purchase path) and coalesce.
/// </summary>
public interface IStockNotifier
{
    void StockChanged(Guid saleId);
}
