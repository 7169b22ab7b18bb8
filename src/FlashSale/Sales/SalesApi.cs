using FlashSale.Common;
using FlashSale.Purchasing;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlashSale.Sales;

public static class SalesApi
{
    public static RouteGroupBuilder MapSales(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/sales").WithTags("Sales");
        group.MapGet("/", ListSales).WithName("ListSales").WithSummary("Every sale with its live status and stock.");
        group.MapGet("/{id}", GetSale).WithName("GetSale").WithSummary("One sale, with remaining stock and the server's clock.");
        group.MapGet("/{id}/stock", GetStock).WithName("GetStock").WithSummary("The stock of one sale, cheap to poll.");
        return group;
    }

    private static async Task<Ok<SaleListResponse>> ListSales(ISaleStore sales, IPurchaseLedger ledger,
        TimeProvider clock, CancellationToken ct)
    {
        var all = await sales.ListAsync(ct);
        var now = clock.GetUtcNow();
        var stocks = await ledger.GetStocksAsync(all, ct);
        return TypedResults.Ok(new SaleListResponse(all.Select((sale, i) => SaleResponse.From(sale, stocks[i], now)).ToList(), now));
    }

    private static async Task<Results<Ok<SaleResponse>, ProblemHttpResult>> GetSale(string id, ISaleStore sales,
        IPurchaseLedger ledger, TimeProvider clock, CancellationToken ct)
    {
        var sale = await FindAsync(id, sales, ct);
        if (sale is null)
        {
            return SaleNotFound();
        }

        var stock = await ledger.GetStockAsync(sale, ct);
        return TypedResults.Ok(SaleResponse.From(sale, stock, clock.GetUtcNow()));
    }

    private static async Task<Results<Ok<StockResponse>, ProblemHttpResult>> GetStock(string id, ISaleStore sales,
        IPurchaseLedger ledger, TimeProvider clock, CancellationToken ct)
    {
        var sale = await FindAsync(id, sales, ct);
        if (sale is null)
        {
            return SaleNotFound();
        }

        var stock = await ledger.GetStockAsync(sale, ct);
        var now = clock.GetUtcNow();
        return TypedResults.Ok(new StockResponse(sale.Id, stock.TotalStock, stock.Remaining, stock.Sold,
            sale.StatusAt(now, stock.Remaining), now));
    }

    internal static async Task<Sale?> FindAsync(string rawId, ISaleStore sales, CancellationToken ct) =>
        RouteIds.TryParse(rawId, out var id) ? await sales.FindAsync(id, ct) : null;

    internal static ProblemHttpResult SaleNotFound() =>
        ApiProblem.NotFound(Reasons.SaleNotFound, "No sale has this id.");
}
