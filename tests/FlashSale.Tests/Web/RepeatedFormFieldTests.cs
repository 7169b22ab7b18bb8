using System.Net;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Web;

/// <summary>
/// A form field posted twice is refused naming it, and nothing is done. Until 2026-12-07 the first value was taken:
/// <c>price=1.50&amp;price=900.00</c> made a sale at 1.50, <c>quantity=1&amp;quantity=5</c> bought one unit. So is a
/// field whose bytes are not UTF-8, which was taken with U+FFFD in their place (<c>StrictFormFields</c>).
/// </summary>
public sealed class RepeatedFormFieldTests() : AdminAppTest(new TestApp())
{
    private const string Password = "buyer-password-1";

    [Fact]
    public async Task TheBuyForm_WithTwoQuantities_IsRefused_AndBuysNothing()
    {
        var sale = (await Admin.CreateSaleAsync(stock: 10, perUserLimit: 5)).Id();
        var browser = await SignedInAsync("form-twice-" + Guid.NewGuid().ToString("N")[..8], Password, register: true);

        using var response = await browser.SubmitFieldsAsync($"/sales/{sale}", $"/sales/{sale}/buy",
            [new("quantity", "1"), new("quantity", "5"), new("key", Guid.NewGuid().ToString("N"))]);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("was given 2 times; give it once.", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(await Admin.AllOrdersAsync(sale));
    }

    [Fact]
    public async Task TheNewSaleForm_WithTwoPrices_IsRefused_AndMakesNoSale()
    {
        var sku = "TWICE-" + Guid.NewGuid().ToString("N")[..8];
        var browser = await SignedInAsync("admin", TestApp.AdminPassword, register: false);
        KeyValuePair<string, string>[] form =
        [
            new("sku", sku), new("productName", "Lamp"), new("description", ""), new("price", "1.50"), new("price", "900.00"),
            new("currency", "USD"), new("totalStock", "5"), new("perUserLimit", "1"), new("startsAt", "2030-01-01T10:00"),
            new("endsAt", "2030-01-02T10:00"), new("imageUrl", ""),
        ];

        using var response = await browser.SubmitFieldsAsync("/admin/sales/new", "/admin/sales", form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains("price", page, StringComparison.Ordinal);
        Assert.Contains("was given 2 times; give it once.", page, StringComparison.Ordinal);
        using var sales = await Admin.GetAsync("/api/v1/admin/sales?limit=1000");
        Assert.DoesNotContain(sku, await sales.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The same form with one price makes the sale: the refusal was the repetition.
        using var once = await browser.SubmitFieldsAsync("/admin/sales/new", "/admin/sales", form.Where((f, i) => i != 4));
        Assert.Equal(HttpStatusCode.Redirect, once.StatusCode);
    }

    [Fact]
    public async Task TheNewSaleForm_WithANameThatIsNotUtf8_IsRefused_AndMakesNoSale()
    {
        var sku = "GARBLED-" + Guid.NewGuid().ToString("N")[..8];
        var browser = await SignedInAsync("admin", TestApp.AdminPassword, register: false);
        var fields = $"sku={sku}&description=&price=1.50&currency=USD&totalStock=5&perUserLimit=1"
            + "&startsAt=2030-01-01T10%3A00&endsAt=2030-01-02T10%3A00&imageUrl=";

        using var response = await browser.SubmitRawAsync("/admin/sales/new", "/admin/sales", [.. Ascii(fields + "&productName=Lamp"), 0xFF]);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains("productName", page, StringComparison.Ordinal);
        Assert.Contains("is not valid UTF-8 text", page, StringComparison.Ordinal);
        using var sales = await Admin.GetAsync("/api/v1/admin/sales?limit=1000");
        Assert.DoesNotContain(sku, await sales.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Percent-encoded, the same byte is refused too (the reader kept it as the text "%FF").
        using (var encoded = await browser.SubmitRawAsync("/admin/sales/new", "/admin/sales", Ascii(fields + "&productName=Lamp%FF")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, encoded.StatusCode);
        }

        // U+FFFD as text (EF BF BD) is taken, as the API takes it: an edit form re-posting such a name must save.
        var other = "REPLACEMENT-" + Guid.NewGuid().ToString("N")[..8];
        using (var text = await browser.SubmitRawAsync("/admin/sales/new", "/admin/sales", Ascii(fields.Replace(sku, other) + "&productName=Lamp%EF%BF%BD")))
        {
            Assert.Equal(HttpStatusCode.Redirect, text.StatusCode);
        }

        // The same form in UTF-8 (é as C3 A9) makes the sale: the refusal was the bytes.
        using var utf8 = await browser.SubmitRawAsync("/admin/sales/new", "/admin/sales", [.. Ascii(fields + "&productName=Lamp"), 0xC3, 0xA9]);
        Assert.Equal(HttpStatusCode.Redirect, utf8.StatusCode);
        using var made = await Admin.GetAsync("/api/v1/admin/sales?limit=1000");
        Assert.Contains("Lampé", await made.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheRegistrationForm_WithAPasswordThatIsNotUtf8_IsRefused_AndMakesNoAccount()
    {
        var browser = Browser.Open(App);
        var username = "garbled" + Guid.NewGuid().ToString("N")[..8];

        using var response = await browser.SubmitRawAsync("/register", "/register", [.. Ascii($"username={username}&password={Password}"), 0xFF]);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("is not valid UTF-8 text", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // No account was made: the username is still free.
        using var registered = await Admin.Anonymous().PostAsJsonAsync("/api/v1/accounts", new { username, password = Password });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
    }

    private static byte[] Ascii(string text) => System.Text.Encoding.ASCII.GetBytes(text);

    private async Task<Browser> SignedInAsync(string username, string password, bool register)
    {
        if (register)
        {
            using var registered = await Admin.Anonymous().PostAsJsonAsync("/api/v1/accounts", new { username, password });
            await Api.EnsureAsync(registered, HttpStatusCode.Created);
        }

        var browser = Browser.Open(App);
        await browser.SignInAsync(username, password);
        return browser;
    }
}
