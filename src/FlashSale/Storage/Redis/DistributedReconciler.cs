using FlashSale.Sales;
using FlashSale.Storage.Postgres;
using StackExchange.Redis;

namespace FlashSale.Storage.Redis;

/// <summary>Per sale: units confirmed in PostgreSQL against units taken from Redis stock; repair rebuilds Redis from the record.</summary>
public sealed partial class DistributedReconciler(
    IConnectionMultiplexer redis,
    LedgerScripts scripts,
    SaleStateBuilder state,
    ISaleStore sales,
    PostgresOrderRecord record,
    ILogger<DistributedReconciler> log) : IReconciler
{
    public async Task<IReadOnlyList<SaleReconciliation>> ReconcileAsync(bool repair, CancellationToken ct)
    {
        var db = redis.GetDatabase();
        var sold = await record.SoldBySaleAsync(ct);
        var report = new List<SaleReconciliation>();
        foreach (var sale in await sales.ListAsync(ct))
        {
            var line = await MeasureAsync(db, sale, sold.GetValueOrDefault(sale.Id));
            if (repair && !line.InAgreement && line.Unrecorded == 0)
            {
                var id = sale.Id;
                var reset = (int)await scripts.Reset.EvaluateAsync(db,
                    [RedisKeys.Meta(id), RedisKeys.Stock(id), RedisKeys.Buyers(id), RedisKeys.Cancelled(id), RedisKeys.Outbox(id)], []);
                if (reset == 1)
                {
                    await state.EnsureAsync(id, ct);
                    LogRepaired(id, line.LedgerSold, line.RecordSold);
                    line = (await MeasureAsync(db, sale, line.RecordSold)) with { Repaired = true };
                }
            }

            report.Add(line);
        }

        return report;
    }

    private static async Task<SaleReconciliation> MeasureAsync(IDatabase db, Sale sale, int recordSold)
    {
        var total = await db.HashGetAsync(RedisKeys.Meta(sale.Id), "total");
        var stock = await db.StringGetAsync(RedisKeys.Stock(sale.Id));
        // Missing state counts as nothing sold: a disagreement whenever the record holds orders.
        var ledgerSold = total.IsNull || stock.IsNull ? 0 : (int)total - (int)stock;
        var unrecorded = (int)await db.StreamLengthAsync(RedisKeys.Outbox(sale.Id));
        return new SaleReconciliation(sale.Id, sale.TotalStock, recordSold, ledgerSold, unrecorded, Repaired: false);
    }

    [LoggerMessage(EventId = 4301, Level = LogLevel.Warning, Message = "Reconciliation repaired sale {SaleId}: ledger said {LedgerSold} sold, the record {RecordSold}")]
    private partial void LogRepaired(Guid saleId, int ledgerSold, int recordSold);
}
