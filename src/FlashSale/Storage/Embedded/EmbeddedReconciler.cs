using FlashSale.Sales;

namespace FlashSale.Storage.Embedded;

/// <summary>Per sale: units confirmed in SQLite against the in-memory book; repair sets the book from the record.</summary>
internal sealed class EmbeddedReconciler(SqliteDatabase db, EmbeddedLedger ledger, ISaleStore sales) : IReconciler
{
    public async Task<IReadOnlyList<SaleReconciliation>> ReconcileAsync(bool repair, CancellationToken ct)
    {
        var sold = new Dictionary<Guid, int>();
        using (var connection = db.Open())
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT sale_id, SUM(quantity) FROM orders WHERE status = 0 GROUP BY sale_id";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                sold[SqliteValues.Guid(reader, 0)] = reader.GetInt32(1);
            }
        }

        var report = new List<SaleReconciliation>();
        foreach (var sale in await sales.ListAsync(ct))
        {
            var recordSold = sold.GetValueOrDefault(sale.Id);
            if (!ledger.TryGetBook(sale.Id, out var book))
            {
                report.Add(new SaleReconciliation(sale.Id, sale.TotalStock, recordSold, 0, 0, Repaired: false));
                continue;
            }

            int ledgerSold;
            var repaired = false;
            lock (book.Gate)
            {
                ledgerSold = book.Sale.TotalStock - book.Remaining;
                if (repair && ledgerSold != recordSold)
                {
                    book.SetSold(recordSold);
                    ledgerSold = recordSold;
                    repaired = true;
                }
            }

            report.Add(new SaleReconciliation(sale.Id, sale.TotalStock, recordSold, ledgerSold, 0, repaired));
        }

        return report;
    }
}
