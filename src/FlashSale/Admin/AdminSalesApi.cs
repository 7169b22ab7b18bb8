using FlashSale.Accounts;
using FlashSale.Common;
using FlashSale.Purchasing;
using FlashSale.Sales;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlashSale.Admin;

public static class AdminSalesApi
{
    public static RouteGroupBuilder MapAdminSales(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/admin/sales").WithTags("Admin").RequireAuthorization(AuthSetup.AdminPolicy);
        group.MapPost("/", CreateSale).WithName("CreateSale").WithSummary("Creates a sale.")
            .Accepts<CreateSaleRequest>("application/json");
        group.MapGet("/", ListSales).WithName("AdminListSales")
            .WithSummary("Every sale, optionally only those with one status (upcoming, active, sold_out, ended).");
        group.MapGet("/{id}", GetSale).WithName("AdminGetSale").WithSummary("One sale with its live stock.");
        group.MapPatch("/{id}", UpdateSale).WithName("UpdateSale")
            .WithSummary("Changes a sale: stock, limit and window while upcoming; product fields before the first order.")
            .Accepts<UpdateSaleRequest>("application/json");
        group.MapPost("/{id}/end", EndSale).WithName("EndSale").WithSummary("Ends a sale now (endsAt = server time).");
        group.MapDelete("/{id}", DeleteSale).WithName("DeleteSale").WithSummary("Deletes a sale that has no orders.");
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
            return SkuTaken();
        }

        await ledger.SaleChangedAsync(sale, ct);
        var stock = await ledger.GetStockAsync(sale, ct);
        return TypedResults.Created($"/api/v1/sales/{sale.Id:D}", SaleResponse.From(sale, stock, now));
    }

    private static async Task<Results<Ok<SaleListResponse>, ProblemHttpResult>> ListSales(string? status,
        ISaleStore sales, IPurchaseLedger ledger, TimeProvider clock, CancellationToken ct)
    {
        if (!TryParseStatus(status, out var wanted))
        {
            return ApiProblem.Validation("status", "must be one of upcoming, active, sold_out, ended.");
        }

        var now = clock.GetUtcNow();
        var items = new List<SaleResponse>();
        foreach (var sale in await sales.ListAsync(ct))
        {
            var response = SaleResponse.From(sale, await ledger.GetStockAsync(sale, ct), now);
            if (wanted is null || response.Status == wanted)
            {
                items.Add(response);
            }
        }

        return TypedResults.Ok(new SaleListResponse(items, now));
    }

    private static async Task<Results<Ok<SaleResponse>, ProblemHttpResult>> GetSale(string id, ISaleStore sales,
        IPurchaseLedger ledger, TimeProvider clock, CancellationToken ct)
    {
        var sale = await SalesApi.FindAsync(id, sales, ct);
        return sale is null
            ? SalesApi.SaleNotFound()
            : TypedResults.Ok(SaleResponse.From(sale, await ledger.GetStockAsync(sale, ct), clock.GetUtcNow()));
    }

    private static async Task<Results<Ok<SaleResponse>, ProblemHttpResult>> UpdateSale(string id, HttpRequest request,
        ISaleStore sales, IPurchaseLedger ledger, TimeProvider clock, CancellationToken ct)
    {
        var sale = await SalesApi.FindAsync(id, sales, ct);
        if (sale is null)
        {
            return SalesApi.SaleNotFound();
        }

        var body = await StrictJson.ReadAsync<UpdateSaleRequest>(request, ct);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        var merged = body.Value!.MergeInto(sale);
        var validation = merged.Validate();
        if (!validation.IsValid)
        {
            return ApiProblem.Validation(validation.Errors);
        }

        var now = clock.GetUtcNow();
        var changed = merged.ToSale(now) with { Id = sale.Id, CreatedAt = sale.CreatedAt };
        var stock = await ledger.GetStockAsync(sale, ct);
        var trading = UpdateSaleRequest.ChangesTrading(sale, changed);
        if (!trading && !UpdateSaleRequest.ChangesProduct(sale, changed))
        {
            return TypedResults.Ok(SaleResponse.From(sale, stock, now));
        }

        if (trading && now >= sale.StartsAt)
        {
            return ApiProblem.Create(StatusCodes.Status409Conflict, Reasons.SaleNotUpcoming,
                "Stock, limit and window can change only before the sale starts.", $"The sale started at {sale.StartsAt:O}.");
        }

        // The ledger's count also sees a purchase not yet committed; the record's guard below sees the rest.
        if (stock.Sold > 0)
        {
            return HasOrders("This sale has orders: its product, price and image are fixed.");
        }

        switch (await sales.TryUpdateAsync(changed, ct))
        {
            case SaleWriteResult.Done:
                await ledger.SaleChangedAsync(changed, ct);
                return TypedResults.Ok(SaleResponse.From(changed, await ledger.GetStockAsync(changed, ct), now));
            case SaleWriteResult.SkuTaken:
                return SkuTaken();
            case SaleWriteResult.HasOrders:
                return HasOrders("This sale has orders: its product, price and image are fixed.");
            default:
                return SalesApi.SaleNotFound();
        }
    }

    private static async Task<Results<Ok<SaleResponse>, ProblemHttpResult>> EndSale(string id, ISaleStore sales,
        IPurchaseLedger ledger, TimeProvider clock, CancellationToken ct)
    {
        var sale = await SalesApi.FindAsync(id, sales, ct);
        if (sale is null)
        {
            return SalesApi.SaleNotFound();
        }

        var now = clock.GetUtcNow();
        if (now >= sale.EndsAt)
        {
            return ApiProblem.Create(StatusCodes.Status409Conflict, Reasons.SaleEnded, "The sale has already ended.",
                $"It ended at {sale.EndsAt:O}.");
        }

        var ended = await sales.EndAsync(sale.Id, now, ct);
        if (ended is null)
        {
            return SalesApi.SaleNotFound();
        }

        await ledger.SaleChangedAsync(ended, ct);
        return TypedResults.Ok(SaleResponse.From(ended, await ledger.GetStockAsync(ended, ct), now));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteSale(string id, ISaleStore sales,
        IPurchaseLedger ledger, CancellationToken ct)
    {
        var sale = await SalesApi.FindAsync(id, sales, ct);
        if (sale is null)
        {
            return SalesApi.SaleNotFound();
        }

        // Closed to purchases first, so no order can arrive between the record's check and the delete.
        if (!await ledger.TryWithdrawSaleAsync(sale, ct))
        {
            return HasOrders("A sale with orders cannot be deleted; end it instead.");
        }

        switch (await sales.TryDeleteAsync(sale.Id, ct))
        {
            case SaleWriteResult.Done:
                await ledger.SaleRemovedAsync(sale.Id, ct);
                return TypedResults.NoContent();
            case SaleWriteResult.HasOrders:
                // Only cancelled orders: they keep their history, so the sale stays and trades again.
                await ledger.SaleChangedAsync(sale, ct);
                return HasOrders("A sale with orders (cancelled ones too) cannot be deleted; end it instead.");
            default:
                await ledger.SaleRemovedAsync(sale.Id, ct);
                return SalesApi.SaleNotFound();
        }
    }

    private static bool TryParseStatus(string? raw, out SaleStatus? status)
    {
        status = raw switch
        {
            "upcoming" => SaleStatus.Upcoming,
            "active" => SaleStatus.Active,
            "sold_out" => SaleStatus.SoldOut,
            "ended" => SaleStatus.Ended,
            _ => null,
        };
        return raw is null || status is not null;
    }

    private static ProblemHttpResult SkuTaken() =>
        ApiProblem.Create(StatusCodes.Status409Conflict, Reasons.SkuTaken, "A sale with this sku exists.");

    private static ProblemHttpResult HasOrders(string title) =>
        ApiProblem.Create(StatusCodes.Status409Conflict, Reasons.SaleHasOrders, title);
}
