using System.Net;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;
using FlashSale.Web;

namespace FlashSale.Tests.Web;

/// <summary>Money on the admin pages: never two currencies added together, every amount with its ISO code and minor units.</summary>
public sealed class DashboardMoneyTests() : AdminAppTest(new TestApp())
{
    [Fact]
    public async Task TheDashboard_WithSalesInTwoCurrencies_DrawsAChartPerCurrency_AndAddsNoneTogether()
    {
        // The audit's dashboard: one USD and one EUR sale drawn as a single "$7,015.99" bar labelled in dollars.
        var dollars = (await Admin.CreateSaleAsync(stock: 10, perUserLimit: 5, price: 30m, currency: "USD")).Id();
        var euros = (await Admin.CreateSaleAsync(stock: 10, perUserLimit: 5, price: 999m, currency: "EUR")).Id();
        var buyer = Admin.WithToken((await Admin.MintBuyersAsync(1))[0].Token);
        foreach (var (sale, quantity) in new[] { (dollars, 3), (euros, 1) })
        {
            using var bought = await buyer.PurchaseAsync(sale, quantity);
            Assert.Equal(HttpStatusCode.Created, bought.StatusCode);
        }

        using var response = await Admin.GetAsync("/admin");
        var page = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

        Assert.Contains("""data-kpi="revenue">999.00 EUR + 90.00 USD</dd>""", page, StringComparison.Ordinal);
        Assert.Contains("""id="revenue-chart-eur""", page, StringComparison.Ordinal);
        Assert.Contains("""id="revenue-chart-usd""", page, StringComparison.Ordinal);
        Assert.Contains(": 999.00 EUR</title>", page, StringComparison.Ordinal);
        Assert.Contains(": 90.00 USD</title>", page, StringComparison.Ordinal);
        Assert.DoesNotContain("1,089", page, StringComparison.Ordinal);   // 999 + 90: no number adds the two
        Assert.Contains("""<ol class="top-products" data-currency="EUR">""", page, StringComparison.Ordinal);
        Assert.Contains("""<ol class="top-products" data-currency="USD">""", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheDashboard_InOneCurrency_HasOneChart()
    {
        var sale = (await Admin.CreateSaleAsync(stock: 10, price: 12.5m, currency: "EUR")).Id();
        using (var bought = await Admin.WithToken((await Admin.MintBuyersAsync(1))[0].Token).PurchaseAsync(sale))
        {
            Assert.Equal(HttpStatusCode.Created, bought.StatusCode);
        }

        using var response = await Admin.GetAsync("/admin");
        var page = await response.Content.ReadAsStringAsync();

        Assert.Single(System.Text.RegularExpressions.Regex.Matches(page, "<svg[^>]+id=\"revenue-chart-"));
        Assert.Contains(": 12.50 EUR</title>", page, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(6016.99, "USD", "6,016.99 USD")]
    [InlineData(999, "EUR", "999.00 EUR")]
    [InlineData(1234567, "JPY", "1,234,567 JPY")]
    [InlineData(0, "KRW", "0 KRW")]
    [InlineData(1.25, "BHD", "1.250 BHD")]
    [InlineData(5, "CAD", "5.00 CAD")]
    public void Money_HasItsIsoCode_InItsCurrencysMinorUnits(decimal amount, string currency, string shown) =>
        Assert.Equal(shown, Format.Money(amount, currency));

    [Theory]
    [InlineData(99.98, "99.9")]    // 5,999 of 6,000: "0.#" made it 100
    [InlineData(99.99, "99.9")]
    [InlineData(99.95, "99.9")]
    [InlineData(100, "100")]
    [InlineData(0, "0")]
    [InlineData(12.34, "12.3")]
    public void Percent_IsRoundedDown_So100MeansSoldOut(decimal percent, string shown) =>
        Assert.Equal(shown, Format.Percent(percent));
}
