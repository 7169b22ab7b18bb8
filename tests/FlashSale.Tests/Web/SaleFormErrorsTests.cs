using System.Net;
using System.Text.RegularExpressions;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Web;

/// <summary>
/// The sale form shows every error in one round: a number or time that cannot be read is marked together with the
/// other fields' errors, not alone with the rest left for the next submit.
/// </summary>
public sealed partial class SaleFormErrorsTests() : AdminAppTest(new TestApp())
{
    private static Dictionary<string, string> ValidForm() => new()
    {
        ["sku"] = "FORM-" + Guid.NewGuid().ToString("N")[..8], ["productName"] = "Lamp", ["description"] = "",
        ["price"] = "10.00", ["currency"] = "USD", ["totalStock"] = "5", ["perUserLimit"] = "1",
        ["startsAt"] = "2030-01-01T10:00", ["endsAt"] = "2030-01-02T10:00", ["imageUrl"] = "",
    };

    [Fact]
    public async Task Create_WithAnUnreadablePriceAndNoName_MarksBoth()
    {
        var form = ValidForm();
        form["price"] = "abc";
        form["productName"] = "";
        form["imageUrl"] = "not a url";

        var page = await RefusedAsync("/admin/sales/new", "/admin/sales", form);

        Assert.Equal(["imageUrl", "price", "productName"], Invalid(page));
        Assert.Contains("Price must be a number", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_WithAnUnreadableStart_SkipsTheWindowRule_ButShowsTheOthers()
    {
        var form = ValidForm();
        form["startsAt"] = "soon";
        form["endsAt"] = "2000-01-01T00:00";
        form["sku"] = "bad sku!";

        var page = await RefusedAsync("/admin/sales/new", "/admin/sales", form);

        Assert.Equal(["sku", "startsAt"], Invalid(page));
        Assert.DoesNotContain("must be after the start", page, StringComparison.Ordinal);
    }

    /// <summary>
    /// A refused form is a new page: its title says so first, and the first field in error (in the form's order) takes
    /// the focus, so a screen reader starts at what to fix. Until 2026-12-07 the title was unchanged and focus on the body.
    /// </summary>
    [Fact]
    public async Task ARefusedForm_TitledError_FocusesItsFirstFieldInError()
    {
        var form = ValidForm();
        form["imageUrl"] = "not a url";
        form["totalStock"] = "0";
        form["productName"] = "";

        var page = await RefusedAsync("/admin/sales/new", "/admin/sales", form);

        Assert.Contains("<title>Error: New sale · FlashSale</title>", page, StringComparison.Ordinal);
        var focused = Assert.Single(Autofocused().Matches(page));
        Assert.Equal("productName", focused.Groups[1].Value);

        form["productName"] = "Lamp";
        page = await RefusedAsync("/admin/sales/new", "/admin/sales", form);
        Assert.Equal("totalStock", Assert.Single(Autofocused().Matches(page)).Groups[1].Value);
        Assert.Contains("Stock must be between 1 and 10,000,000.", page, StringComparison.Ordinal);
    }

    /// <summary>Values a browser's fields never post, which a loose reading took as something else (a price 100× too high).</summary>
    [Theory]
    [InlineData("price", "12,50")]
    [InlineData("price", "1,000")]
    [InlineData("startsAt", "01/02/2030 10:00")]
    [InlineData("startsAt", "2030-01-01")]
    public async Task Create_WithAValueReadOnlyByGuessing_MarksIt_AndMakesNoSale(string field, string value)
    {
        var form = ValidForm();
        form[field] = value;

        var page = await RefusedAsync("/admin/sales/new", "/admin/sales", form);

        Assert.Equal([field], Invalid(page));
        using var sales = await Admin.GetAsync($"/api/v1/admin/sales?limit=1000");
        Assert.DoesNotContain(form["sku"], await sales.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_WithWhatABrowserPosts_MakesTheSale()
    {
        var form = ValidForm();
        form["price"] = "12.50";
        form["startsAt"] = "2030-01-01T10:00:30";
        form["currency"] = "eur"; // as typed: a person means EUR

        var browser = await AdminBrowserAsync();
        using var response = await browser.SubmitAsync("/admin/sales/new", "/admin/sales", form);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var sale = (await Admin.GetJsonAsync($"/api/v1/admin/sales?limit=1000"))["items"]!.AsArray().Single(s => s!["sku"]!.GetValue<string>() == form["sku"])!;
        Assert.Equal(12.50m, sale["price"]!.GetValue<decimal>());
        Assert.Equal("EUR", sale["currency"]!.GetValue<string>());
        Assert.Equal(new DateTimeOffset(2030, 1, 1, 10, 0, 30, TimeSpan.Zero), sale["startsAt"]!.GetValue<DateTimeOffset>());
    }

    /// <summary>
    /// A sale whose whole window is past is created (the API and tests rely on it), and the page says it is ended from the
    /// start. Until 2026-12-07 it said "Sale created. It is on the shop page now." of a sale already under "Recently ended".
    /// </summary>
    [Fact]
    public async Task Create_WithAWindowAlreadyOver_SaysTheSaleIsEnded()
    {
        var form = ValidForm();
        form["startsAt"] = "2020-01-01T00:00";
        form["endsAt"] = "2020-01-02T00:00";
        var browser = await AdminBrowserAsync();

        using var response = await browser.SubmitAsync("/admin/sales/new", "/admin/sales", form);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var page = await browser.Http.GetStringAsync(response.Headers.Location!);
        Assert.Contains("""<div id="flash" class="flash warn" role="status" aria-live="polite" tabindex="-1" autofocus>Sale created, but its window is already over: it shows as ended""", page, StringComparison.Ordinal);
        Assert.DoesNotContain("It is on the shop page now", page, StringComparison.Ordinal);

        // A window to come keeps its message.
        form = ValidForm();
        using var upcoming = await browser.SubmitAsync("/admin/sales/new", "/admin/sales", form);
        Assert.Contains("Sale created. It is on the shop page now.", await browser.Http.GetStringAsync(upcoming.Headers.Location!), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Edit_MovingAnUpcomingSalesWindowIntoThePast_SaysTheSaleIsEnded()
    {
        var browser = await AdminBrowserAsync();
        var past = await EditAsync(browser, form => { form["startsAt"] = "2020-01-01T00:00"; form["endsAt"] = "2020-01-02T00:00"; });
        Assert.Contains("""<div id="flash" class="flash warn" role="status" aria-live="polite" tabindex="-1" autofocus>Changes saved, but the window of this sale is now over""",
            past, StringComparison.Ordinal);

        // Another change to a sale to come keeps its message.
        var renamed = await EditAsync(browser, form => form["productName"] = "Lamp, renamed");
        Assert.Contains("Changes saved.</div>", renamed, StringComparison.Ordinal);
    }

    /// <summary>An upcoming sale's edit form as drawn, changed by <paramref name="change"/>, posted: the page it leads to.</summary>
    private async Task<string> EditAsync(Browser browser, Action<Dictionary<string, string>> change)
    {
        var saleId = (await Admin.CreateSaleAsync(5, startsAt: DateTimeOffset.UtcNow.AddHours(1), endsAt: DateTimeOffset.UtcNow.AddHours(3))).Id();
        var form = new Dictionary<string, string>();
        using (var edit = await browser.Http.GetAsync($"/admin/sales/{saleId}/edit"))
        {
            foreach (Match field in InputValue().Matches(await edit.Content.ReadAsStringAsync()))
            {
                form[field.Groups[1].Value] = WebUtility.HtmlDecode(field.Groups[2].Value);
            }
        }

        form.Remove("__af");
        change(form);
        using var response = await browser.SubmitAsync($"/admin/sales/{saleId}/edit", $"/admin/sales/{saleId}/edit", form);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return await browser.Http.GetStringAsync(response.Headers.Location!);
    }

    [Fact]
    public async Task Edit_WithAnUnreadableStockAndNoName_MarksBoth()
    {
        var saleId = (await Admin.CreateSaleAsync(5, startsAt: DateTimeOffset.UtcNow.AddHours(1), endsAt: DateTimeOffset.UtcNow.AddHours(3))).Id();
        var browser = await AdminBrowserAsync();
        var form = new Dictionary<string, string>();
        using (var edit = await browser.Http.GetAsync($"/admin/sales/{saleId}/edit"))
        {
            foreach (Match field in InputValue().Matches(await edit.Content.ReadAsStringAsync()))
            {
                form[field.Groups[1].Value] = WebUtility.HtmlDecode(field.Groups[2].Value);
            }
        }

        form.Remove("__af");
        form["totalStock"] = "lots";
        form["productName"] = "";
        using var response = await browser.SubmitAsync($"/admin/sales/{saleId}/edit", $"/admin/sales/{saleId}/edit", form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["productName", "totalStock"], Invalid(await response.Content.ReadAsStringAsync()));
    }

    private Task<Browser> AdminBrowserAsync() => Browser.AdminAsync(App);

    private async Task<string> RefusedAsync(string page, string action, Dictionary<string, string> form)
    {
        var browser = await AdminBrowserAsync();
        using var response = await browser.SubmitAsync(page, action, form);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private static List<string> Invalid(string page) =>
        InvalidField().Matches(page).Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal).ToList();

    [GeneratedRegex("""name="([a-zA-Z]+)"[^>]*aria-invalid="true" aria-describedby="e-\1""")]
    private static partial Regex InvalidField();

    [GeneratedRegex("""name="([a-zA-Z]+)"[^>]* autofocus>""")]
    private static partial Regex Autofocused();

    [GeneratedRegex("""<input id="f-[a-zA-Z]+" name="([a-zA-Z]+)" type="[a-z-]+" value="([^"]*)""")]
    private static partial Regex InputValue();
}
