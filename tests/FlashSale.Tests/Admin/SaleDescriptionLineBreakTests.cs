using System.Net;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Admin;

/// <summary>
/// A sale's description may have several lines: line feeds pass, CRLF (what a browser's textarea sends) is kept as
/// LF, every other control character is still refused. The shop shows the lines, HTML-encoded.
/// </summary>
public sealed class SaleDescriptionLineBreakTests() : AdminAppTest(new TestApp())
{
    [Fact]
    public async Task Create_KeepsLineBreaks_AsLineFeeds()
    {
        using var response = await Admin.PostJsonAsync("/api/v1/admin/sales", SaleJson("Line one\\r\\nLine two\\nLine three"));
        await Api.EnsureAsync(response, HttpStatusCode.Created);
        var created = await response.ReadJsonAsync();

        Assert.Equal("Line one\nLine two\nLine three", created["description"]!.GetValue<string>());
        Assert.Equal("Line one\nLine two\nLine three", await DescriptionAsync(created.Id()));
    }

    [Fact]
    public async Task Patch_KeepsLineBreaks_AsLineFeeds()
    {
        var saleId = (await Admin.CreateSaleAsync(5)).Id();

        using var response = await Admin.PatchJsonAsync($"/api/v1/admin/sales/{saleId}", """{"description":"First\r\nSecond"}""");

        await Api.EnsureAsync(response, HttpStatusCode.OK);
        Assert.Equal("First\nSecond", await DescriptionAsync(saleId));
    }

    [Theory]
    [InlineData("a\\tb")] // a tab
    [InlineData("a\\rb")] // a carriage return on its own
    [InlineData("a\\u0000b")]
    [InlineData("a\\u0085b")] // NEL, a C1 control
    [InlineData("a\\u001bb")] // ESC
    public async Task OtherControlCharacters_AreStillRefused(string escaped)
    {
        using var response = await Admin.PostJsonAsync("/api/v1/admin/sales", SaleJson(escaped));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.ReadJsonAsync();
        Assert.Equal("validation_failed", problem["reason"]?.GetValue<string>());
        Assert.NotNull(problem["errors"]?["description"]);
    }

    [Fact]
    public async Task TheSaleForm_SavesAMultiLineDescription_AndTheShopShowsItEncoded()
    {
        var browser = Browser.Open(App);
        await browser.SignInAsync("admin", TestApp.AdminPassword);
        var fields = FormFields($"T-{Guid.NewGuid():N}", "<b>Bold</b> claim\r\nSecond line");

        using var created = await browser.SubmitAsync("/admin/sales/new", "/admin/sales", fields);

        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var saleId = created.Headers.Location!.OriginalString.Split('/', '?')[3];
        Assert.Equal("<b>Bold</b> claim\nSecond line", await DescriptionAsync(saleId));
        var page = await browser.Http.GetStringAsync($"/sales/{saleId}");
        // Encoded like any text (the line feed as &#xA;, which is still a line feed); the stylesheet shows the lines.
        Assert.Contains("<p class=\"lead\">&lt;b&gt;Bold&lt;/b&gt; claim&#xA;Second line</p>", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheSaleForm_ShowsWhyADescriptionIsRefused_UnderIt()
    {
        var browser = Browser.Open(App);
        await browser.SignInAsync("admin", TestApp.AdminPassword);

        using var refused = await browser.SubmitAsync("/admin/sales/new", "/admin/sales", FormFields($"T-{Guid.NewGuid():N}", "a\tb"));

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var page = await refused.Content.ReadAsStringAsync();
        Assert.Contains("aria-describedby=\"e-description\"", page, StringComparison.Ordinal);
        Assert.Contains("<p class=\"field-error\" id=\"e-description\">Description must not contain control characters other than line breaks.</p>",
            page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheEditForm_SendsTheDescriptionBackUntouched_AndSaves()
    {
        var browser = Browser.Open(App);
        await browser.SignInAsync("admin", TestApp.AdminPassword);
        var sku = $"T-{Guid.NewGuid():N}";
        using (var created = await browser.SubmitAsync("/admin/sales/new", "/admin/sales", FormFields(sku, "One\r\nTwo")))
        {
            Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        }

        var saleId = (await Admin.GetJsonAsync("/api/v1/admin/sales"))["items"]!.AsArray()
            .Single(s => s!["sku"]!.GetValue<string>() == sku)!.AsObject().Id();
        // As a browser posts the edit form again: the textarea's text with CRLF, another field changed.
        var edit = FormFields(sku, "One\r\nTwo");
        edit["productName"] = "Renamed";

        using var saved = await browser.SubmitAsync($"/admin/sales/{saleId}/edit", $"/admin/sales/{saleId}/edit", edit);

        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var sale = await Admin.GetJsonAsync($"/api/v1/admin/sales/{saleId}");
        Assert.Equal("Renamed", sale["productName"]!.GetValue<string>());
        Assert.Equal("One\nTwo", sale["description"]!.GetValue<string>());
    }

    private async Task<string> DescriptionAsync(string saleId) =>
        (await Admin.GetJsonAsync($"/api/v1/admin/sales/{saleId}"))["description"]!.GetValue<string>();

    /// <summary>A create request whose description is <paramref name="escaped"/>, already escaped for JSON.</summary>
    private static string SaleJson(string escaped) => $$"""
        {"sku":"T-{{Guid.NewGuid():N}}","productName":"Test product","price":10,"totalStock":5,"startsAt":"2030-01-01T00:00:00Z","endsAt":"2030-01-02T00:00:00Z","description":"{{escaped}}"}
        """;

    /// <summary>Every field of the sale form, as a browser posts it.</summary>
    private static Dictionary<string, string> FormFields(string sku, string description) => new()
    {
        ["sku"] = sku,
        ["productName"] = "Test product",
        ["description"] = description,
        ["price"] = "10.00",
        ["currency"] = "USD",
        ["imageUrl"] = "",
        ["totalStock"] = "5",
        ["perUserLimit"] = "1",
        ["startsAt"] = "2030-01-01T00:00",
        ["endsAt"] = "2030-01-02T00:00",
    };
}
