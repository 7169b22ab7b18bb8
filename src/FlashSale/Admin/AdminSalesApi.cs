using FlashSale.Common;
using FlashSale.Orders;
using FlashSale.Purchasing;
using FlashSale.Sales;
using FlashSale.Accounts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlashSale.Admin;

public static class AdminSalesApi
{
    public static RouteGroupBuilder MapAdminSales(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/admin/sales").WithTags("Admin").RequireAuthorization(AuthSetup.AdminPolicy);
        group.MapPost("/", CreateSale).WithName("CreateSale").WithSummary("Creates a sale.")
            .Accepts<CreateSaleRequest>("application/json");
        group.MapGet("/{id}/orders", ListOrders).WithName("ListSaleOrders")
            .WithSummary("A sale's orders, a page at a time (cursor), in purchase order or newest first.");
        return group;
    }

    private static async Task<Results<Created<SaleResponse>, ProblemHttpResult>> CreateSale(HttpRequest request,
        ISaleStore sales, IPurchaseLedger ledger, TimeProvider clock, CancellationToken ct)
    {
        var body = await StrictJson.ReadAsync<CreateSaleRequest>(request, ct);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        var validation = body.Value!.Validate();
        if (!validation.IsValid)
        {
            return ApiProblem.Validation(validation.Errors);
        }

        var now = clock.GetUtcNow();
        var sale = body.Value.ToSale(now);
        if (!await sales.TryCreateAsync(sale, ct))
        {
            return ApiProblem.Create(StatusCodes.Status409Conflict, Reasons.SkuTaken, "A sale with this sku exists.");
        }

        await ledger.SaleChangedAsync(sale, ct);
        var stock = await ledger.GetStockAsync(sale, ct);
        return TypedResults.Created($"/api/v1/sales/{sale.Id:D}", SaleResponse.From(sale, stock, now));
    }

    private static async Task<Results<Ok<AdminOrderPage>, ProblemHttpResult>> ListOrders(string id, ISaleStore sales,
        IOrderStore orders, int? limit, string? cursor, string? order, CancellationToken ct)
    {
        var sale = await SalesApi.FindAsync(id, sales, ct);
        if (sale is null)
        {
            return SalesApi.SaleNotFound();
        }

        var size = limit ?? 100;
        if (size is < 1 or > 1000)
        {
            return ApiProblem.Validation("limit", "must be between 1 and 1000.");
        }

        if (order is not (null or "asc" or "desc"))
        {
            return ApiProblem.Validation("order", "must be 'asc' (purchase order) or 'desc' (newest first).");
        }

        if (cursor is not null && (cursor.Length > 20 || !cursor.All(char.IsAsciiDigit)))
        {
            return ApiProblem.Validation("cursor", "is not a cursor this API returned.");
        }

        var page = await orders.ListBySaleAsync(sale.Id, new OrderPageRequest(size, cursor, order == "desc"), ct);
        return TypedResults.Ok(new AdminOrderPage(page.Items.Select(AdminOrderResponse.From).ToList(), page.NextCursor));
    }
}
