using System.Net;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Web;

/// <summary>
/// What a sale's page offers a visitor (signed out) and what My orders shows, as drawn by the server (no script).
/// </summary>
public sealed class ShopPagesForVisitorsTests() : AdminAppTest(new TestApp())
{
    private const string SignIn = ">Sign in to buy</a>";

    /// <summary>
    /// "Sign in to buy" while there is something to buy. Until 2026-12-07 it stood beside SOLD OUT and ENDED: a visitor
    /// signed in to find a disabled "Sold out". A sold-out sale's link is there but hidden (a cancel may bring units back,
    /// and the script shows it with the status); an ended sale has none.
    /// </summary>
    [Fact]
    public async Task SignInToBuy_OnlyWhileThereIsSomethingToBuy()
    {
        var now = DateTimeOffset.UtcNow;
        var active = (await Admin.CreateSaleAsync(stock: 5)).Id();
        var upcoming = (await Admin.CreateSaleAsync(stock: 5, startsAt: now.AddHours(1), endsAt: now.AddHours(2))).Id();
        var soldOut = (await Admin.CreateSaleAsync(stock: 1)).Id();
        await Admin.WithToken((await Admin.MintBuyersAsync(1))[0].Token).BoughtAsync(soldOut);
        var ended = (await Admin.CreateSaleAsync(stock: 5)).Id();
        using (var end = await Admin.SendAsync(HttpMethod.Post, $"/api/v1/admin/sales/{ended}/end"))
        {
            await Api.EnsureAsync(end, HttpStatusCode.OK);
        }

        var visitor = Browser.Open(App).Http;
        foreach (var sale in new[] { active, upcoming })
        {
            var page = await visitor.GetStringAsync($"/sales/{sale}");
            Assert.Contains($"<p data-role=\"sign-in\"><a class=\"button primary\" href=\"/login?returnUrl=/sales/{sale}\"{SignIn}", page,
                StringComparison.Ordinal);
        }

        Assert.Contains($"<p data-role=\"sign-in\" hidden><a", await visitor.GetStringAsync($"/sales/{soldOut}"), StringComparison.Ordinal);
        Assert.DoesNotContain(SignIn, await visitor.GetStringAsync($"/sales/{ended}"), StringComparison.Ordinal);
    }

    /// <summary>
    /// Without the script, an upcoming sale's page reloads itself at the start (within the hour); an open one, or one
    /// starting later, does not.
    /// </summary>
    [Fact]
    public async Task AnUpcomingSalesPage_ReloadsItselfAtTheStart_WithoutTheScript()
    {
        var now = DateTimeOffset.UtcNow;
        var soon = (await Admin.CreateSaleAsync(stock: 5, startsAt: now.AddSeconds(90), endsAt: now.AddHours(1))).Id();
        var later = (await Admin.CreateSaleAsync(stock: 5, startsAt: now.AddHours(2), endsAt: now.AddHours(3))).Id();
        var open = (await Admin.CreateSaleAsync(stock: 5)).Id();
        var visitor = Browser.Open(App).Http;

        var refresh = System.Text.RegularExpressions.Regex.Match(await visitor.GetStringAsync($"/sales/{soon}"),
            """<noscript><meta http-equiv="refresh" content="(\d+)"></noscript>""");
        Assert.True(refresh.Success, "no reload at the start");
        Assert.InRange(int.Parse(refresh.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), 80, 92);
        Assert.DoesNotContain("http-equiv=\"refresh\"", await visitor.GetStringAsync($"/sales/{later}"), StringComparison.Ordinal);
        Assert.DoesNotContain("http-equiv=\"refresh\"", await visitor.GetStringAsync($"/sales/{open}"), StringComparison.Ordinal);
    }

    /// <summary>The registration says the username's rule before it is asked for (it was learnt only from a refusal).</summary>
    [Fact]
    public async Task TheRegisterPage_SaysTheUsernameRule_BeforeAsking()
    {
        var page = await Browser.Open(App).Http.GetStringAsync("/register");

        Assert.Contains("""aria-describedby="username-hint">""", page, StringComparison.Ordinal);
        Assert.Contains("""<p id="username-hint" class="muted small">3–32 letters, digits, '_', '-' or '.'.</p>""",
            page, StringComparison.Ordinal);
        Assert.DoesNotContain("username-hint", await Browser.Open(App).Http.GetStringAsync("/login"), StringComparison.Ordinal);
    }

    /// <summary>
    /// Each order's whole id, what support looks it up by. Ids are time-ordered, so the 8 characters shown until
    /// 2026-12-07 were the same for every order bought within about a minute.
    /// </summary>
    [Fact]
    public async Task MyOrders_ShowsEachOrdersWholeId()
    {
        var sale = (await Admin.CreateSaleAsync(stock: 5, perUserLimit: 2)).Id();
        var username = "orders-" + Guid.NewGuid().ToString("N")[..8];
        using (var registered = await Admin.Anonymous().PostAsJsonAsync("/api/v1/accounts", new { username, password = "buyer-password-1" }))
        {
            await Api.EnsureAsync(registered, HttpStatusCode.Created);
        }

        var buyer = Admin.WithToken(await Admin.Anonymous().TokenAsync(username, "buyer-password-1"));
        var orders = new[] { await buyer.BoughtAsync(sale), await buyer.BoughtAsync(sale) };
        var browser = Browser.Open(App);
        await browser.SignInAsync(username, "buyer-password-1");

        var page = await browser.Http.GetStringAsync("/orders");
        Assert.All(orders, id => Assert.Contains($"<td data-label=\"Order\" class=\"mono small\">{id}</td>", page, StringComparison.Ordinal));
    }
}
