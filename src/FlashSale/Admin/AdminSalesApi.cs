using System.ComponentModel;
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
        var group = routes.MapGroup("/api/v1/admin/sales").WithTags("Admin").RequireAuthorization(AuthSetup.AdminPolicy).AuditWrites();
        group.MapPost("/", CreateSale).WithName("CreateSale").WithSummary("Creates a sale.")
            .ReadsJson<CreateSaleRequest>()
            .Refuses(StatusCodes.Status400BadRequest, Reasons.ValidationFailed).Refuses(StatusCodes.Status409Conflict, Reasons.SkuTaken)
            .MayHaveWrittenOnStoreFailure(ApiDocs.SaleChangeUnfinished);
        group.MapGet("/", ListSales).WithName("AdminListSales")
            .WithSummary("The sales, a page at a time (cursor), optionally only those with one status (upcoming, active, sold_out, ended) or one SKU.")
            .Refuses(StatusCodes.Status400BadRequest, Reasons.ValidationFailed);
        group.MapGet("/{id}", GetSale).WithName("AdminGetSale").WithSummary("One sale with its live stock.")
            .Refuses(StatusCodes.Status404NotFound, Reasons.SaleNotFound);
        group.MapPatch("/{id}", UpdateSale).WithName("UpdateSale")
            .WithSummary("Changes a sale: limit and start while upcoming; stock and end until it ends; product fields before the first order.")
            .ReadsJson<UpdateSaleRequest>()
            .Refuses(StatusCodes.Status400BadRequest, Reasons.ValidationFailed).Refuses(StatusCodes.Status404NotFound, Reasons.SaleNotFound)
            .Refuses(StatusCodes.Status409Conflict, Reasons.SaleNotUpcoming, Reasons.SaleHasOrders, Reasons.SkuTaken,
                Reasons.SaleEnded, Reasons.StockBelowSold)
            .ExplainsProblem(StatusCodes.Status409Conflict,
                "`sale_not_upcoming` (the limit or the start of a started sale) carries the start in `startsAt`; `sale_ended` (the "
                + "stock or end of an ended sale) the end in `endsAt`; `stock_below_sold` (a started sale's stock below the units sold or "
                + "being sold) those units in `sold` (absent when the order record holds more than the ledger counts: check the ledger).")
            .MayHaveWrittenOnStoreFailure(ApiDocs.SaleChangeUnfinished);
        group.MapPost("/{id}/end", EndSale).WithName("EndSale").WithSummary("Ends a sale now (endsAt = server time).")
            .Refuses(StatusCodes.Status404NotFound, Reasons.SaleNotFound).Refuses(StatusCodes.Status409Conflict, Reasons.SaleEnded)
            .MayHaveWrittenOnStoreFailure(ApiDocs.SaleChangeUnfinished);
        group.MapDelete("/{id}", DeleteSale).WithName("DeleteSale").WithSummary("Deletes a sale that has no orders.")
            .Refuses(StatusCodes.Status404NotFound, Reasons.SaleNotFound).Refuses(StatusCodes.Status409Conflict, Reasons.SaleHasOrders)
            .MayHaveWrittenOnStoreFailure(ApiDocs.SaleChangeUnfinished);
        return group;
    }

    private static async Task<Results<Created<SaleResponse>, ProblemHttpResult>> CreateSale(HttpRequest request,
        SaleCommands commands, IWebHostEnvironment web, CancellationToken ct)
    {
        var body = await StrictJson.ReadAsync<CreateSaleRequest>(request, ct);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        // A site path with no file behind it: refused here, where the web root is known, with every other error at once.
        if (web.WebRootFileProvider.HasNoFile(body.Value!.ImageUrl))
        {
            return SaleRefusal.Invalid(body.Value.Validate(web.WebRootFileProvider).Errors).ToProblem();
        }

        var result = await commands.CreateAsync(body.Value!, ct);
        return result.Refusal is { } refusal
            ? refusal.ToProblem()
            : TypedResults.Created($"/api/v1/sales/{result.Sale!.Id:D}", result.Sale);
    }

    // The public list's answer (status filter and paging included), behind the admin role: the dashboard's and the admin
    // tools' list. Its stock is read on every request, never the public list's cached (Sales:ListStockMaxAge).
    private static Task<Results<Ok<SaleListResponse>, ProblemHttpResult>> ListSales([Description(SalesApi.StatusFilter), OneOf(SalesApi.StatusWords)] string? status,
        [Description(SalesApi.EndsAfterDoc)] string? endsAfter, [Description(SalesApi.SkuFilter)] string? sku,
        [Description(SalesApi.LimitDoc), WholeNumber(1, SalePage.MaxSize, SalePage.DefaultSize)] string? limit, [Description(QueryLimit.CursorDoc)] string? cursor,
        ISaleStore sales, IPurchaseLedger ledger, TimeProvider clock, CancellationToken ct) =>
        SalesApi.ListPageAsync(new SaleListQuery(status, endsAfter, sku, limit, cursor), sales, ledger.GetStocksAsync, clock, ct);

    private static async Task<Results<Ok<SaleResponse>, ProblemHttpResult>> GetSale(string id, ISaleStore sales,
        IPurchaseLedger ledger, TimeProvider clock, CancellationToken ct)
    {
        var sale = await SalesApi.FindAsync(id, sales, ct);
        return sale is null
            ? SalesApi.SaleNotFound()
            : TypedResults.Ok(SaleResponse.From(sale, await ledger.GetStockAsync(sale, ct), clock.GetUtcNow()));
    }

    private static async Task<Results<Ok<SaleResponse>, ProblemHttpResult>> UpdateSale(string id, HttpRequest request,
        SaleCommands commands, ISaleStore sales, IWebHostEnvironment web, CancellationToken ct)
    {
        if (!RouteIds.TryParse(id, out var saleId))
        {
            return SalesApi.SaleNotFound();
        }

        var body = await StrictJson.ReadAsync<UpdateSaleRequest>(request, ct);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        // Only an image being set is checked: a sale's stored image whose file a later deploy removed does not block its
        // other edits. Refused with the merged sale's other errors, as the create is.
        if (web.WebRootFileProvider.HasNoFile(body.Value!.ImageUrl) && await sales.FindAsync(saleId, ct) is { } sale)
        {
            return SaleRefusal.Invalid(body.Value.MergeInto(sale).Validate(web.WebRootFileProvider).Errors).ToProblem();
        }

        return Answer(await commands.UpdateAsync(saleId, body.Value, ct));
    }

    private static async Task<Results<Ok<SaleResponse>, ProblemHttpResult>> EndSale(string id, SaleCommands commands,
        CancellationToken ct) =>
        RouteIds.TryParse(id, out var saleId) ? Answer(await commands.EndAsync(saleId, ct)) : SalesApi.SaleNotFound();

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteSale(string id, SaleCommands commands,
        CancellationToken ct)
    {
        if (!RouteIds.TryParse(id, out var saleId))
        {
            return SalesApi.SaleNotFound();
        }

        var result = await commands.DeleteAsync(saleId, ct);
        return result.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.NoContent();
    }

    private static Results<Ok<SaleResponse>, ProblemHttpResult> Answer(SaleCommandResult result) =>
        result.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Ok(result.Sale!);
}
