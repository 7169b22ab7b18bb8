using FlashSale.Accounts;
using FlashSale.Common;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using static FlashSale.Web.Html;

namespace FlashSale.Web;

/// <summary>The page frame: header with navigation and the signed-in user, the flash message, the script.</summary>
public static class Layout
{
    /// <summary>A form's refusal in full: what happened, why (the API's reason for the same refusal), and the way back.</summary>
    public static ContentHttpResult Refusal(HttpContext context, string heading, string message, string? reason, int status,
        string back, string backLabel)
    {
        var main = H($"""
            <h1>{heading}</h1>
            <p>{message}</p>
            {When(reason is not null, H($"""<p class="muted small">Reason: <code data-role="reason">{reason}</code></p>"""))}
            <p><a class="button" href="{back}">{backLabel}</a></p>
            """);
        return Page(context, heading, main, Flash.Error(message), status);
    }

    /// <summary>The title of a form drawn again with its errors: what a screen reader announces first on the new page.</summary>
    public static string ErrorTitle(string title) => "Error: " + title;

    // head: what the page adds to its head (a sale's page: its reload at the start without the script).
    public static ContentHttpResult Page(HttpContext context, string title, Html main, Flash? flash = null, int status = 200,
        Html? head = null)
    {
        var user = context.User;
        var signedIn = user.Identity?.IsAuthenticated == true;
        var nav = signedIn
            ? H($"""
                <a href="/orders">My orders</a>
                {When(user.IsInRole(Roles.Admin), H($"""<a href="/admin">Dashboard</a>"""))}
                <form method="post" action="/logout" class="inline">
                  {Antiforgery(context)}
                  <button type="submit" class="link">Sign out <span class="muted">({user.DisplayName()})</span></button>
                </form>
                """)
            : H($"""
                <a href="/login{ComeBack(context.Request, status)}">Sign in</a>
                <a href="/register{ComeBack(context.Request, status)}" class="button small">Register</a>
                """);
        var page = H($"""
            <!doctype html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <meta name="viewport" content="width=device-width, initial-scale=1">
              <title>{title} · FlashSale</title>
              <link rel="stylesheet" href="/css/site.css">
              <link rel="icon" href="/images/favicon.svg" type="image/svg+xml">
              {context.RequestServices.GetRequiredService<ScriptModules>().Head}
              {head ?? Html.Empty}
            </head>
            <body data-minor-units="{Money.MinorUnitsNotTwoJson}">
              <a class="skip" href="#main">Skip to content</a>
              <header class="top">
                <a class="brand" href="/"><span aria-hidden="true">⚡</span> FlashSale</a>
                <nav aria-label="Account">{nav}</nav>
              </header>
              <main id="main" tabindex="-1">
                {FlashBox(flash)}
                {main}
              </main>
              <footer class="foot">Prices include tax. Stock is live; the server's clock decides when a sale opens.</footer>
            </body>
            </html>
            """);
        // Every 503 says when to come back (G7), as the API's do; a page that knows better sets its own first.
        if (status == StatusCodes.Status503ServiceUnavailable && context.Response.Headers.RetryAfter.Count == 0)
        {
            ApiProblem.RetryAfter(context, 1);
        }

        return TypedResults.Content(page.Value, "text/html; charset=utf-8", statusCode: status);
    }

    /// <summary>
    /// The header's sign-in and register links bring the buyer back to the page they were on (a sale's, most often):
    /// until 2026-12-06 they went to the front page, and a new buyer had to find the sale again while it sold out. Only
    /// a page fetched with GET and shown (a form's result page or an error page is no address to return to), not the front
    /// page nor the forms.
    /// </summary>
    private static string ComeBack(HttpRequest request, int status) =>
        status < 400 && HttpMethods.IsGet(request.Method) && request.Path.Value is { Length: > 1 } path
            && path is not ("/login" or "/register")
            ? "?returnUrl=" + Uri.EscapeDataString(path)
            : "";

    /// <summary>The hidden antiforgery field every form post carries.</summary>
    public static Html Antiforgery(HttpContext context)
    {
        var tokens = context.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(context);
        return H($"""<input type="hidden" name="{tokens.FormFieldName}" value="{tokens.RequestToken}">""");
    }

    /// <summary>
    /// Where the script says what keeps a page current is down (a sale page's stream, the list the home page and the
    /// dashboard poll): "Live updates paused — reconnecting…", cleared when it is back; empty without the script. A status
    /// region, so a screen reader hears it too.
    /// </summary>
    public static readonly Html LiveStatus = H($"""<span class="live-status" role="status" data-role="live"></span>""");

    /// <summary>
    /// The message a page is drawn with (a form post's answer after its redirect, a refusal) is focused (autofocus, no
    /// script needed), an error as an alert, as the sign-in form's is: a status region that is in the page from its load
    /// is not read out, and until 2026-12-07 "Changes saved.", "Order cancelled" or "You got it!" after a post without the
    /// script went unsaid. Not when the page focuses what to fix instead (<see cref="Flash.TakesFocus"/>).
    /// </summary>
    public static Html FlashBox(Flash? flash) => flash is null
        ? H($"""<div id="flash" class="flash" role="status" aria-live="polite" hidden></div>""")
        : H($"""<div id="flash" class="flash {flash.Kind}" {(flash.Kind == "error" ? H($"role=\"alert\"") : H($"role=\"status\" aria-live=\"polite\""))}{When(flash.TakesFocus, H($" tabindex=\"-1\" autofocus"))}>{flash.Body}</div>""");
}

/// <summary>A one-line message after a redirect: <c>ok</c>, <c>warn</c> or <c>error</c>.</summary>
public sealed record Flash(string Kind, string Text)
{
    /// <summary>Whether the page drawn with it focuses it: not a form that focuses its first field in error instead.</summary>
    public bool TakesFocus { get; init; } = true;

    /// <summary>The words of a message that name the buyer's orders page, a link to it wherever they are shown.</summary>
    public const string OrdersLinkText = "My orders";

    /// <summary>
    /// The text, encoded, with <see cref="OrdersLinkText"/> a link to <c>/orders</c> (flash.js does the same for the
    /// answers it writes): "see My orders" was plain text until 2026-12-07, the buyer left to find the header's link.
    /// </summary>
    public Html Body => Html.Raw(H($"{Text}").Value.Replace(OrdersLinkText, $"<a href=\"/orders\">{OrdersLinkText}</a>", StringComparison.Ordinal));

    public static Flash Ok(string text) => new("ok", text);

    public static Flash Warn(string text) => new("warn", text);

    public static Flash Error(string text) => new("error", text);
}
