using System.Net;
using FlashSale.Purchasing;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FlashSale.Tests.RateLimiting;

/// <summary>
/// The buy button is held to the API purchase's rules: <c>purchase-per-user</c> and the bound on purchases in flight.
/// It had no endpoint name, so the rule naming the API's endpoint never counted it, and it took no purchase slot: one
/// account could buy 1,200 times a minute past every load limit (<see cref="SignInFormRateLimitTests"/>: sign-in).
/// </summary>
public sealed class BuyFormRateLimitTests() : AdminAppTest(new TestApp(clock: new ManualClock(DateTimeOffset.UtcNow), settings: new Dictionary<string, string?>
{
    // A clock that stands still: no window slides during the test, so the counts are exact.
    ["RateLimiting:Rules:purchase-per-user:PermitLimit"] = "2",
    ["RateLimiting:Rules:per-ip:PermitLimit"] = "100000",
}))
{
    private const string Password = "buyer-password-1";

    [Fact]
    public async Task TheBuyForm_CountsAgainstTheBuyersPurchaseLimit_AndTakesAPurchaseSlot()
    {
        var sale = (await Admin.CreateSaleAsync(stock: 100, perUserLimit: 10)).Id();
        var username = "form-buyer-" + Guid.NewGuid().ToString("N")[..8];
        using (var registered = await Admin.Anonymous().PostAsJsonAsync("/api/v1/accounts", new { username, password = Password }))
        {
            await Api.EnsureAsync(registered, HttpStatusCode.Created);
        }

        var browser = Browser.Open(App);
        await browser.SignInAsync(username, Password);

        // No purchase slot free: the form answers "nothing was bought", as the API answers 503.
        var admission = App.Services.GetRequiredService<PurchaseAdmission>();
        var held = new List<PurchaseAdmission.Ticket>();
        while (admission.TryEnter() is { } ticket)
        {
            held.Add(ticket);
        }

        using (var shed = await BuyAsync(browser, sale))
        {
            Assert.Equal(HttpStatusCode.Redirect, shed.StatusCode);
            Assert.EndsWith("?m=unavailable", shed.Headers.Location?.OriginalString, StringComparison.Ordinal);
        }

        held.ForEach(t => t.Dispose());
        Assert.Empty(await Admin.AllOrdersAsync(sale));

        // Two more buys are the buyer's limit of 2 a minute (the shed one counted too): the second is refused.
        using (var bought = await BuyAsync(browser, sale))
        {
            Assert.Equal(HttpStatusCode.Redirect, bought.StatusCode);
            Assert.EndsWith("?m=bought", bought.Headers.Location?.OriginalString, StringComparison.Ordinal);
        }

        // Refused, the form goes back to the sale with the shop's "rate limited" message, and Retry-After; it was the
        // API's 429 problem page ("At most 2 requests per 00:01:00 ('purchase-per-user')") until 2026-12-06, which
        // docs/web.md says no outcome of the buy form is.
        using (var limited = await BuyAsync(browser, sale))
        {
            Assert.Equal(HttpStatusCode.Redirect, limited.StatusCode);
            Assert.Equal($"/sales/{sale}?m=rate_limited", limited.Headers.Location?.OriginalString);
            Assert.True(limited.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), "Retry-After is kept");
            var page = await browser.Http.GetStringAsync(limited.Headers.Location!.OriginalString);
            Assert.Contains("Too many attempts", page, StringComparison.Ordinal);
        }

        // The API is still answered 429 with Retry-After.
        using (var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/sales/{sale}/purchases")
        {
            Content = new StringContent("""{"quantity":1}""", System.Text.Encoding.UTF8, "application/json"),
        })
        {
            request.Headers.Add("X-Requested-With", "fetch");
            using var api = await browser.Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.TooManyRequests, api.StatusCode);
            Assert.NotNull(api.Headers.RetryAfter);
        }

        Assert.Single(await Admin.AllOrdersAsync(sale));
    }

    private static Task<HttpResponseMessage> BuyAsync(Browser browser, string sale) =>
        browser.SubmitAsync($"/sales/{sale}", $"/sales/{sale}/buy", new() { ["quantity"] = "1", ["key"] = Guid.NewGuid().ToString("N") });
}
