using System.Net;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Web;

/// <summary>
/// The buy form without JavaScript says what is true when it asked for several units: "not that many left" while some
/// are, "over the limit" while the buyer may still add some. Until 2026-12-06 both read the fixed "Sold out — every unit
/// has been taken" / "You already hold the most units…" while the page showed a unit left and an enabled button.
/// </summary>
public sealed class BuyFormMessageTests() : AdminAppTest(new TestApp())
{
    private const string Password = "buyer-password-1";

    [Fact]
    public async Task SeveralUnits_WhenFewerAreLeft_SaysNotThatManyLeft_AndTheFieldOffersOnlyThoseLeft()
    {
        var sale = (await Admin.CreateSaleAsync(stock: 3, perUserLimit: 3)).Id();
        var other = (await Admin.MintBuyersAsync(1))[0];
        using (var bought = await Admin.WithToken(other.Token).PurchaseAsync(sale, quantity: 2))
        {
            await Api.EnsureAsync(bought, HttpStatusCode.Created);
        }

        var browser = await SignedInBuyerAsync();
        Assert.Contains("max=\"1\"", await browser.Http.GetStringAsync($"/sales/{sale}"), StringComparison.Ordinal);

        using var refused = await BuyAsync(browser, sale, 2);
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.EndsWith("?m=not_enough_left", refused.Headers.Location?.OriginalString, StringComparison.Ordinal);
        var page = await browser.Http.GetStringAsync(refused.Headers.Location!.OriginalString);
        Assert.Contains("Not that many units are left", page, StringComparison.Ordinal);

        using var sold = await BuyAsync(browser, sale, 1);
        Assert.EndsWith("?m=bought", sold.Headers.Location?.OriginalString, StringComparison.Ordinal);
        using var none = await BuyAsync(browser, sale, 1);
        Assert.EndsWith("?m=sold_out", none.Headers.Location?.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SeveralUnits_OverWhatTheBuyerMayStillAdd_SaysOverTheLimit_AndTheFieldOffersOnlyWhatIsAllowed()
    {
        var sale = (await Admin.CreateSaleAsync(stock: 10, perUserLimit: 3)).Id();
        var browser = await SignedInBuyerAsync();
        using (var first = await BuyAsync(browser, sale, 1))
        {
            Assert.EndsWith("?m=bought", first.Headers.Location?.OriginalString, StringComparison.Ordinal);
        }

        Assert.Contains("max=\"2\"", await browser.Http.GetStringAsync($"/sales/{sale}"), StringComparison.Ordinal);
        using var refused = await BuyAsync(browser, sale, 3);
        Assert.EndsWith("?m=over_limit", refused.Headers.Location?.OriginalString, StringComparison.Ordinal);

        using (var rest = await BuyAsync(browser, sale, 2))
        {
            Assert.EndsWith("?m=bought", rest.Headers.Location?.OriginalString, StringComparison.Ordinal);
        }

        using var full = await BuyAsync(browser, sale, 1);
        Assert.EndsWith("?m=limit_reached", full.Headers.Location?.OriginalString, StringComparison.Ordinal);
    }

    /// <summary>
    /// The page as drawn (no script): the buy button says why it is off, as the badge beside it does (BuyButtonLabels).
    /// It read a greyed "Buy now" for a sale not open yet, sold out, or whose limit the buyer already holds.
    /// </summary>
    [Fact]
    public async Task TheBuyButton_AsDrawn_SaysWhyItIsOff()
    {
        var upcoming = (await Admin.CreateSaleAsync(stock: 2, startsAt: DateTimeOffset.UtcNow.AddHours(1), endsAt: DateTimeOffset.UtcNow.AddHours(2))).Id();
        var soldOut = (await Admin.CreateSaleAsync(stock: 1)).Id();
        await Admin.WithToken((await Admin.MintBuyersAsync(1))[0].Token).BoughtAsync(soldOut, "the-last-unit");
        var open = (await Admin.CreateSaleAsync(stock: 5)).Id();
        var browser = await SignedInBuyerAsync();

        Assert.Contains(">Not open yet</button>", await browser.Http.GetStringAsync($"/sales/{upcoming}"), StringComparison.Ordinal);
        Assert.Contains(">Sold out</button>", await browser.Http.GetStringAsync($"/sales/{soldOut}"), StringComparison.Ordinal);
        Assert.Contains(">Buy now</button>", await browser.Http.GetStringAsync($"/sales/{open}"), StringComparison.Ordinal);
        using (var bought = await BuyAsync(browser, open, 1))
        {
            Assert.EndsWith("?m=bought", bought.Headers.Location?.OriginalString, StringComparison.Ordinal);
        }

        Assert.Contains(" disabled>Limit reached</button>", await browser.Http.GetStringAsync($"/sales/{open}"), StringComparison.Ordinal);
    }

    /// <summary>
    /// The same form (its key) posted again with another quantity: the API's 422 <c>idempotency_key_mismatch</c> proves
    /// the first post reached the server, so the page says it may have gone through. It said "That quantity is not
    /// allowed for this sale" until 2026-12-06.
    /// </summary>
    [Fact]
    public async Task TheSameKey_WithAnotherQuantity_SaysTheOrderMayHaveGoneThrough()
    {
        var sale = (await Admin.CreateSaleAsync(stock: 10, perUserLimit: 3)).Id();
        var browser = await SignedInBuyerAsync();
        var key = Guid.NewGuid().ToString("N");
        using (var first = await BuyAsync(browser, sale, 1, key))
        {
            Assert.EndsWith("?m=bought", first.Headers.Location?.OriginalString, StringComparison.Ordinal);
        }

        using var again = await BuyAsync(browser, sale, 2, key);
        Assert.EndsWith("?m=outcome_unknown", again.Headers.Location?.OriginalString, StringComparison.Ordinal);
        Assert.Single(await Admin.AllOrdersAsync(sale));
    }

    /// <summary>
    /// A signed-out buyer's post goes to sign-in with ReturnUrl=/sales/{id}/buy; after signing in the browser GETs it.
    /// That was a 405 page; it is the sale.
    /// </summary>
    [Fact]
    public async Task GetOfTheBuyAddress_AfterSigningIn_GoesToTheSale()
    {
        var sale = (await Admin.CreateSaleAsync(stock: 10)).Id();
        var browser = await SignedInBuyerAsync();

        using var response = await browser.Http.GetAsync($"/sales/{sale}/buy");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal($"/sales/{sale}", response.Headers.Location?.OriginalString);

        using var malformed = await Browser.Open(App).Http.GetAsync("/sales/not-an-id/buy");
        Assert.Equal(HttpStatusCode.Redirect, malformed.StatusCode);
        Assert.Equal("/", malformed.Headers.Location?.OriginalString);
        Assert.Empty(await Admin.AllOrdersAsync(sale));
    }

    private async Task<Browser> SignedInBuyerAsync()
    {
        var username = "form-buyer-" + Guid.NewGuid().ToString("N")[..8];
        using (var registered = await Admin.Anonymous().PostAsJsonAsync("/api/v1/accounts", new { username, password = Password }))
        {
            await Api.EnsureAsync(registered, HttpStatusCode.Created);
        }

        var browser = Browser.Open(App);
        await browser.SignInAsync(username, Password);
        return browser;
    }

    private static Task<HttpResponseMessage> BuyAsync(Browser browser, string sale, int quantity, string? key = null) =>
        browser.SubmitAsync($"/sales/{sale}", $"/sales/{sale}/buy",
            new() { ["quantity"] = quantity.ToString(System.Globalization.CultureInfo.InvariantCulture), ["key"] = key ?? Guid.NewGuid().ToString("N") });
}
