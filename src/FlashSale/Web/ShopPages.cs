using FlashSale.Accounts;
using FlashSale.Common;
using FlashSale.Operations;
using FlashSale.Purchasing;
using FlashSale.RateLimiting;
using FlashSale.Sales;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using static FlashSale.Web.Html;

namespace FlashSale.Web;

/// <summary>The shop: every sale on the home page, one sale with its buy button, the buy form post.</summary>
public static class ShopPages
{
    /// <summary>How many ended sales the front page still shows (the most recent).</summary>
    internal const int RecentlyEndedShown = 6;

    public static IEndpointRouteBuilder MapShopPages(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/", Home).ExcludeFromDescription();
        routes.MapGet("/sales/{id}", Product).ExcludeFromDescription();
        // Counted as the API's purchase by the rate-limit rules (purchase-per-user) and, below, by its admission limit.
        // Refused by a rule, the form goes back to the sale with the shop's message (docs/web.md), not a problem page.
        // The shop's form carries its key (a hidden field; a hand-made post may not): a store failure before the purchase is
        // decided is answered as a keyed purchase's when it has one (ApiDocs.PurchaseOnStoreFailure). Read from the body,
        // which nothing read yet (the failure comes before binding); a body that cannot be read counts as keyed.
        routes.MapPost("/sales/{id}/buy", Buy).RequireAuthorization().RateLimitedAs(PurchasesApi.PurchaseName)
            .PurchaseOnStoreFailure(async c =>
            {
                try
                {
                    return !c.Request.HasFormContentType || (await c.Request.ReadFormAsync()).ContainsKey("key");
                }
                catch (Exception ex) when (ex is IOException or InvalidDataException or BadHttpRequestException)
                {
                    return true;
                }
            })
            .RefusedWithRedirect(RateLimitedBuy).ExcludeFromDescription();
        // A buyer signed out while on the page posts the form, signs in and is sent back to the form's address with a
        // GET: the sale page (it was a 405 "This request cannot be served" until 2026-12-06).
        routes.MapGet("/sales/{id}/buy", (string id) => TypedResults.LocalRedirect(
            RouteIds.TryParse(id, out var saleId) ? $"/sales/{saleId}" : "/")).ExcludeFromDescription();
        return routes;
    }

    private static string RateLimitedBuy(HttpContext context, string reason) =>
        RouteIds.TryParse(context.Request.RouteValues["id"] as string, out var saleId) ? $"/sales/{saleId}?m={reason}" : "/";

    private static async Task<ContentHttpResult> Home(HttpContext context, ISaleStore sales, ListStockCache stocks,
        TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var all = await sales.ListAsync(ct);
        // On sale and coming, soonest first (the sold-out ones after them, below); of the ended ones only the latest few, newest first: a shop that has
        // run a sale a day for a year would otherwise open on hundreds of finished sales (and read each one's stock).
        var open = all.Where(s => s.EndsAt > now).OrderBy(s => s.StartsAt).ToList();
        var ended = all.Where(s => s.EndsAt <= now).OrderByDescending(s => s.EndsAt).Take(RecentlyEndedShown).ToList();
        // The stock the list the page then polls shows (distributed: kept up to Sales:ListStockMaxAge, shared with the
        // list's pollers): every buyer lands here when a sale opens, and a card is never fresher than its next poll.
        var levels = await stocks.GetStocksAsync([.. open, .. ended], ct);
        // Those with units to buy before the sold-out ones (each soonest first): a sold-out sale started earlier took the
        // first places ahead of the coming ones until 2026-12-07. A card that sells out while the page is open stays put.
        var openCards = open.Select((sale, i) => (Sale: sale, Level: levels[i])).OrderBy(c => c.Level.Remaining == 0)
            .Select(c => Card(c.Sale, c.Level, now, "h2")).ToList();
        var endedCards = ended.Select((sale, i) => Card(sale, levels[open.Count + i], now, "h3")).ToList();

        // The cards follow the public list, read by the script every few seconds (docs/web.md: one request for every
        // card, where a stream per card would take the browser's six connections per host). Only the sales that can be
        // on this page: ending after the oldest card shown (open ones end later still; an early end moves an end to a
        // later "now", never before it), not every sale the shop ever ran, which a tab sent for every 5 s.
        var oldestShown = (ended.Count > 0 ? ended[^1].EndsAt : now).AddTicks(-1);
        var main = H($"""
            <div class="shop" data-poll="/api/v1/sales?limit={SalePage.MaxSize}&amp;endsAfter={Format.Instant(oldestShown)}">
            <section class="hero">
              <h1>Flash sales</h1>
              {Layout.LiveStatus}
              <p>Limited stock, one moment. When a countdown reaches zero, the sale opens for everyone at once.</p>
            </section>
            <p class="flash warn" role="status" data-role="new-sales"></p>
            <template data-role="new-sales-text">New sales have been added. <a href="/">Reload the page</a> to see them.</template>
            {(openCards.Count == 0 ? H($"""<p class="empty">No sales on now or coming up. Come back soon.</p>""") : H($"""<ul class="grid" role="list">{openCards}</ul>"""))}
            {Html.When(endedCards.Count > 0, H($"""
                <section class="ended" aria-labelledby="recently-ended">
                  <h2 id="recently-ended">Recently ended</h2>
                  <ul class="grid" role="list">{endedCards}</ul>
                </section>
                """))}
            </div>
            """);
        return Layout.Page(context, "Shop", main);
    }

    /// <summary>
    /// A sale's card: its title a heading (under the page's h1, or "Recently ended"'s h2) and the link, stretched over the
    /// whole card (site.css), so a screen reader's list of links or headings reads the product; the stock bar is hidden
    /// from it (the line under it says the same). Until 2026-12-07 the link held the whole card and read "On sale iPhone
    /// 15 Pro 999.00 USD Ends in … 9 9 of 10 left". Named by its title alone (aria-labelledby), the link's name would not
    /// hold the text it shows (WCAG 2.5.3).
    /// </summary>
    private static Html Card(Sale sale, StockLevel stock, DateTimeOffset now, string heading)
    {
        var status = sale.StatusAt(now, stock.Remaining);
        return H($"""
            <li class="card" data-sale="{sale.Id}" data-starts-at="{Format.Iso(sale.StartsAt)}" data-ends-at="{Format.Iso(sale.EndsAt)}" data-server-time="{Format.Iso(now)}" data-status="{Format.StatusCode(status)}">
              {Image(sale, "card-img")}
              <div class="card-body">
                <span class="badge {Format.StatusCode(status)}" data-role="status">{Format.Status(status)}</span>
                <{heading} class="card-title"><a class="card-link" href="/sales/{sale.Id}">{sale.ProductName}</a></{heading}>
                <span class="price" data-role="price">{Format.Money(sale.Price, sale.Currency)}</span>
                <span class="countdown" data-role="countdown">{Format.Countdown(sale, now)}</span>
                {StockBar(sale.Id, stock, barHidden: true)}
              </div>
            </li>
            """);
    }

    internal static Html Image(Sale sale, string css) => sale.ImageUrl is null
        ? H($"""<span class="{css} placeholder" aria-hidden="true">{sale.ProductName[..1]}</span>""")
        : H($"""<img class="{css}" src="{sale.ImageUrl}" alt="" width="320" height="240">""");

    // The total is a part the script follows too (sale.js: figures): an admin may change the stock before the start, and
    // until 2026-12-07 the line read "3 of 5 left" beside a bar of 3 after the total went from 5 to 3.
    // barHidden: the bar hidden from a screen reader where the line under it is enough (a card, whose link it lengthened).
    internal static Html StockBar(Guid saleId, StockLevel stock, bool barHidden = false) => H($"""
        <span class="stock">
          <progress id="bar-{saleId}" max="{stock.TotalStock}" value="{stock.Remaining}" data-role="bar" aria-label="Stock left"{When(barHidden, H($" aria-hidden=\"true\""))}></progress>
          <span data-role="left"><strong data-role="remaining">{Format.Number(stock.Remaining)}</strong> of <span data-role="total">{Format.Number(stock.TotalStock)}</span> left</span>
        </span>
        """);

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> Product(string id, [IgnoredWhenRepeated] string? m,
        HttpContext context, ISaleStore sales, IPurchaseLedger ledger, TimeProvider clock, CancellationToken ct)
    {
        var sale = await SalesApi.FindAsync(id, sales, ct);
        if (sale is null)
        {
            return ApiProblem.SaleNotFound();
        }

        var stock = await ledger.GetStockAsync(sale, ct);
        var now = clock.GetUtcNow();
        var status = sale.StatusAt(now, stock.Remaining);
        // What the ledger holds against the limit, as the API's purchases/me says: distributed, an order still pending
        // (decided, not yet recorded) counts, where the record's orders left the buy button enabled for a sure refusal.
        var held = context.User.Identity?.IsAuthenticated == true ? await ledger.GetHeldAsync(sale, context.User.UserId(), ct) : 0;

        var main = H($"""
            <article class="product" data-sale="{sale.Id}" data-starts-at="{Format.Iso(sale.StartsAt)}" data-ends-at="{Format.Iso(sale.EndsAt)}" data-server-time="{Format.Iso(now)}" data-status="{Format.StatusCode(status)}" data-live="/api/v1/sales/{sale.Id}/events">
              {Image(sale, "product-img")}
              <div class="product-info">
                <p><a href="/">← All sales</a></p>
                <h1>{sale.ProductName}</h1>
                <p class="muted">SKU {sale.Sku}</p>
                <p class="lead">{sale.Description}</p>
                <p class="price big" data-role="price">{Format.Money(sale.Price, sale.Currency)}</p>
                <p><span class="badge {Format.StatusCode(status)}" data-role="status">{Format.Status(status)}</span>
                   <span class="countdown" data-role="countdown" role="timer" aria-live="off">{Format.Countdown(sale, now)}</span>
                   {Layout.LiveStatus}</p>
                <p class="muted small">Opens {Format.LocalTime(sale.StartsAt, role: "opens")} · closes {Format.LocalTime(sale.EndsAt, role: "closes")} · limit <span data-role="limit">{sale.PerUserLimit}</span> per buyer</p>
                {StockBar(sale.Id, stock)}
                <p class="sr-only" aria-live="polite" data-role="announce"></p>
                {BuyForm(context, sale, status, held, stock.Remaining)}
              </div>
            </article>
            """);
        return Layout.Page(context, sale.ProductName, main, PurchaseMessages.Find(m), head: ReloadAtTheStart(sale, now, status));
    }

    /// <summary>
    /// Without the script a countdown stands still, and an upcoming sale's page still says "Not open yet" when it opens:
    /// the browser reloads it at the start by itself (a refresh that only a browser without scripting reads), if that
    /// is within the hour. With the script the page follows the start without a reload.
    /// </summary>
    private static Html ReloadAtTheStart(Sale sale, DateTimeOffset now, SaleStatus status)
    {
        var wait = sale.StartsAt - now;
        return status == SaleStatus.Upcoming && wait <= TimeSpan.FromHours(1)
            ? H($"""<noscript><meta http-equiv="refresh" content="{(int)Math.Ceiling(wait.TotalSeconds) + 1}"></noscript>""")
            : Html.Empty;
    }

    private static Html BuyForm(HttpContext context, Sale sale, SaleStatus status, int held, int remaining)
    {
        if (context.User.Identity?.IsAuthenticated != true)
        {
            // Offered while there is something to buy: until 2026-12-07 a visitor read "Sign in to buy" beside SOLD OUT and
            // ENDED, signed in, and found a disabled "Sold out". An ended sale stays ended; a sold-out one may have units
            // again (a cancel), so its link is there, hidden, and the script shows it with the status (sale.js).
            return status == SaleStatus.Ended
                ? Html.Empty
                : H($"""<p data-role="sign-in"{When(status == SaleStatus.SoldOut, Raw(" hidden"))}><a class="button primary" href="/login?returnUrl=/sales/{sale.Id}">Sign in to buy</a></p>""");
        }

        var messages = Join(PurchaseMessages.All.Select(p => H($""" data-msg-{p.Key.Replace('_', '-')}="{p.Value.Text}" """)));
        // No more than the buyer may still add, nor than are left (at least 1, so the field stays valid when none).
        var most = Math.Max(1, Math.Min(sale.PerUserLimit - held, remaining));
        // Hidden while the limit is 1 (nothing to choose), but there: the limit may change before the start, and the
        // script then shows the field (docs/web.md).
        var one = sale.PerUserLimit == 1 ? Raw(" hidden") : Html.Empty;
        var quantity = H($"""
            <label for="quantity" data-role="quantity"{one}>Quantity</label>
            <input id="quantity" name="quantity" type="number" min="1" max="{most}" value="1" inputmode="numeric" data-role="quantity"{one}>
            """);
        var why = BuyButtonLabels.Why(status, held, sale.PerUserLimit);
        return H($"""
            <form method="post" action="/sales/{sale.Id}/buy" class="buy" data-role="buy" data-held="{held}" data-limit="{sale.PerUserLimit}"{messages}{BuyButtonLabels.Attributes()}>
              {Layout.Antiforgery(context)}
              <input type="hidden" name="key" value="{Guid.NewGuid():N}">
              <input type="hidden" name="expectedUnitPrice" value="{sale.Price.ToString(System.Globalization.CultureInfo.InvariantCulture)}">
              <input type="hidden" name="expectedCurrency" value="{sale.Currency}">
              {quantity}
              <button type="submit" class="button primary" data-role="buy-button"{(why == BuyButtonLabels.Active ? Html.Empty : Raw(" disabled"))}>{BuyButtonLabels.Text(why)}</button>
              <p class="muted small" data-role="held"{(held > 0 ? Html.Empty : Raw(" hidden"))}>You hold {held} of {sale.PerUserLimit}.</p>
              <p class="flash" data-role="answer" role="status" aria-live="polite"></p>
            </form>
            """);
    }

    private static async Task<Results<RedirectHttpResult, ContentHttpResult>> Buy(string id, [FromForm] BuyForm? posted,
        HttpContext context, IPurchaseLedger ledger, PurchaseAdmission admission, FlashSaleMetrics metrics)
    {
        // No field at all is no key and no quantity: a keyless buy of one, as each one missing alone is.
        var form = posted ?? new BuyForm();
        if (!RouteIds.TryParse(id, out var saleId))
        {
            return TypedResults.LocalRedirect("/");
        }

        // Refused as the API refuses it: bought without its key, every retry of the form could buy again.
        if (form.Key is { } key && !IdempotencyKeys.IsValid(key))
        {
            return KeyRefused(context, saleId);
        }

        // The price the page showed, which the ledger holds the purchase to (price_changed): checked as the API checks it.
        if (new PurchaseRequest(form.Quantity ?? 1, form.ExpectedUnitPrice, form.ExpectedCurrency).Problems() is not null)
        {
            return Layout.Refusal(context, "Nothing bought", "The price this page was drawn with could not be read; nothing was bought. Open the sale again and retry.",
                Reasons.ValidationFailed, StatusCodes.Status400BadRequest, $"/sales/{saleId}", "Back to the sale");
        }

        // The same bound on purchases in flight as the API's: a flood through the form must not grow the commit queue.
        using var ticket = admission.TryEnter();
        if (ticket is null)
        {
            metrics.Purchase("shed", TimeSpan.Zero);
            return TypedResults.LocalRedirect($"/sales/{saleId}?m={Reasons.Unavailable}");
        }

        var user = context.User;
        var attempt = new PurchaseAttempt(saleId, user.UserId(), user.DisplayName(), form.Quantity ?? 1, form.Key,
            form.ExpectedUnitPrice, form.ExpectedCurrency);
        // As on the API: once started, a decision is carried through even if the browser leaves.
        // Counted as the API's are: the purchases metric and its alerts see every buyer, not only the script's.
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var outcome = await ledger.PurchaseAsync(attempt, CancellationToken.None);
        metrics.Purchase(PurchaseResults.OutcomeName(outcome), System.Diagnostics.Stopwatch.GetElapsedTime(started));
        return TypedResults.LocalRedirect($"/sales/{saleId}?m={PurchaseMessages.Code(outcome, attempt.Quantity)}");
    }

    /// <summary>The API's 400 <c>invalid_idempotency_key</c> as a page.</summary>
    private static ContentHttpResult KeyRefused(HttpContext context, Guid saleId) => Layout.Refusal(context, "Nothing bought",
        "This buy form's key is not valid; nothing was bought. Open the sale again and retry.", Reasons.InvalidIdempotencyKey,
        StatusCodes.Status400BadRequest, $"/sales/{saleId}", "Back to the sale");
}

/// <summary>
/// The buy form as posted. The key is optional, as the API's Idempotency-Key is; a quantity left out or blank is 1.
/// Properties, not constructor parameters: form binding refuses a post that lacks any constructor parameter (a
/// default does not help), so a post without a key was a 400 in the framework's words.
/// </summary>
public sealed record BuyForm
{
    public string? Key { get; init; }

    public int? Quantity { get; init; }

    /// <summary>The price the page showed (a form drawn before 2026-12-07 has none: then not checked, as the API's).</summary>
    public decimal? ExpectedUnitPrice { get; init; }

    public string? ExpectedCurrency { get; init; }
}
