using FlashSale.Drill.Api;
using FlashSale.Drill.Checking;
using FlashSale.Drill.Load;

namespace FlashSale.Drill.Session;

/// <summary>Reads what the server holds after the flood: every order (all pages) and the stock counters of each sale.</summary>
internal static class EvidenceCollector
{
    private const int MaxPages = 100_000;
    private const int SettleTries = 3;

    public static async Task<IReadOnlyList<SaleEvidence>> CollectAsync(FlashSaleClient api, DrillSession session,
        IReadOnlyList<AttemptRecord> records, TimeSpan pendingWait, CancellationToken ct)
    {
        // One bound for all the waiting below: the 202s' and the unknown outcomes'.
        var until = DateTimeOffset.UtcNow + pendingWait;
        await WaitForPendingAsync(api, session, records, until, ct);
        var untold = records.Where(DocumentedOutcomes.MayHaveBoughtUntold).Select(r => r.SaleId).ToHashSet(StringComparer.Ordinal);
        var evidence = new List<SaleEvidence>();
        foreach (var sale in session.Sales)
        {
            var (stock, orders, moving) = await ReadAsync(api, session.AdminToken, sale.Id, ct);
            // An order whose answer said its outcome was unknown (a 503 with outcomeUnknown, a lost answer) may still be on
            // its way to the record: distributed mode's counters (Redis) hold it at once, the order list (PostgreSQL) once
            // the outbox has written it. Read again while the counters are ahead, within the pending wait; the checker
            // judges what is there after (until 2026-12-07 a correct server failed accounting here).
            while (untold.Contains(sale.Id) && stock.Sold > orders.Where(o => o.IsConfirmed).Sum(o => o.Quantity)
                   && DateTimeOffset.UtcNow < until)
            {
                await Task.Delay(500, ct);
                (stock, orders, moving) = await ReadAsync(api, session.AdminToken, sale.Id, ct);
            }

            evidence.Add(new SaleEvidence(
                await FactsAsync(api, session, sale, ct),
                stock,
                orders,
                session.Baseline.TryGetValue(sale.Id, out var before) ? before : new HashSet<string>())
            {
                Moving = moving,
            });
        }

        return evidence;
    }

    // The counters before and after the listing: equal, the listing is of that moment; a live --sale sale may keep selling
    // (other shoppers), so it is read again a few times before its accounting is called unsettled (moving).
    private static async Task<(StockSnapshot Stock, IReadOnlyList<ServerOrder> Orders, bool Moving)> ReadAsync(FlashSaleClient api,
        string adminToken, string saleId, CancellationToken ct)
    {
        var stock = await GetStockAsync(api, saleId, ct);
        for (var tries = 1; ; tries++)
        {
            var orders = await FetchOrdersAsync(api, adminToken, saleId, ct);
            var after = await GetStockAsync(api, saleId, ct);
            var moving = after != stock;
            if (!moving || tries == SettleTries)
            {
                return (after, orders, moving);
            }

            stock = after;
        }
    }

    private static async Task<StockSnapshot> GetStockAsync(FlashSaleClient api, string saleId, CancellationToken ct)
    {
        var stock = await api.GetStockAsync(saleId, ct);
        return stock.IsSuccess
            ? new StockSnapshot(stock.Body!.TotalStock, stock.Body.RemainingStock, stock.Body.Sold)
            : throw new DrillSetupException($"Reading the stock of sale {saleId} failed ({stock.Describe()}).");
    }

    // A sale the drill created is held to what it asked for; what the server gave back is checked against that.
    private static async Task<SaleFacts> FactsAsync(FlashSaleClient api, DrillSession session, SaleDto sale, CancellationToken ct)
    {
        if (session.Requested is not { } asked)
        {
            return new SaleFacts(sale.Id, sale.TotalStock, sale.PerUserLimit);
        }

        var after = await api.GetSaleAsync(sale.Id, ct);
        if (!after.IsSuccess)
        {
            throw new DrillSetupException($"Reading sale {sale.Id} after the flood failed ({after.Describe()}).");
        }

        var created = session.Created.Single(s => s.Id == sale.Id);
        return new SaleFacts(sale.Id, asked.TotalStock, asked.PerUserLimit)
        {
            CreatedByDrill = true,
            Served =
            [
                new SaleTerms("its create answer", created.TotalStock, created.PerUserLimit),
                new SaleTerms("the sale once open", sale.TotalStock, sale.PerUserLimit),
                new SaleTerms("the sale after the flood", after.Body!.TotalStock, after.Body.PerUserLimit),
            ],
        };
    }

    public static async Task<IReadOnlyList<ServerOrder>> FetchOrdersAsync(FlashSaleClient api, string adminToken, string saleId,
        CancellationToken ct)
    {
        var orders = new List<ServerOrder>();
        string? cursor = null;
        for (var page = 0; page < MaxPages; page++)
        {
            var result = await api.GetOrdersPageAsync(adminToken, saleId, cursor, ct);
            if (!result.IsSuccess)
            {
                throw new DrillSetupException($"Listing the orders of sale {saleId} failed ({result.Describe()}).");
            }

            orders.AddRange(result.Body!.Items.Select(o =>
                new ServerOrder(o.OrderId, o.SaleId, o.UserId, o.Quantity, o.Status, o.IdempotencyKey) { PurchasedAt = o.PurchasedAt }));
            cursor = result.Body.NextCursor;
            if (cursor is null)
            {
                return orders;
            }
        }

        throw new DrillSetupException($"Listing the orders of sale {saleId} did not end after {MaxPages} pages.");
    }

    // A 202 is a promise: give its order the pending wait to show up confirmed; the checker judges what is there after.
    private static async Task WaitForPendingAsync(FlashSaleClient api, DrillSession session, IReadOnlyList<AttemptRecord> records,
        DateTimeOffset until, CancellationToken ct)
    {
        var pending = records.Where(r => r.Status == 202 && r.OrderId is not null)
            .GroupBy(r => r.SaleId)
            .ToDictionary(g => g.Key, g => g.Select(r => r.OrderId!).ToHashSet());
        while (pending.Count > 0 && DateTimeOffset.UtcNow < until)
        {
            foreach (var (saleId, ids) in pending.ToList())
            {
                var confirmed = (await FetchOrdersAsync(api, session.AdminToken, saleId, ct))
                    .Where(o => o.IsConfirmed).Select(o => o.OrderId);
                ids.ExceptWith(confirmed);
                if (ids.Count == 0)
                {
                    pending.Remove(saleId);
                }
            }

            if (pending.Count > 0)
            {
                await Task.Delay(500, ct);
            }
        }
    }
}
