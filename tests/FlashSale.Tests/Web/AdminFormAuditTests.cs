using System.Net;
using System.Text.RegularExpressions;
using FlashSale.Admin;
using FlashSale.Orders;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;
using FlashSale.Web;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace FlashSale.Tests.Web;

/// <summary>
/// The admin journey's audit in Chromium, 2026-12-07: a stale edit form undid another tab's save, a lapsed session lost
/// the typing without a word, an image path with no file was taken (the form's own example was one), the new-sale form
/// came filled with a price and stock, End and Delete did not say which sale, and the CSV wrote every amount with two
/// decimals and did not name the sale.
/// </summary>
public sealed partial class AdminFormAuditTests() : AdminAppTest(FaultySaleStore.App())
{
    /// <summary>The sale record as it is; a test may pause it after a read.</summary>
    private FaultySaleStore Store => App.Services.GetRequiredService<FaultySaleStore>();

    // ---- 1. A stale edit form ----

    [Fact]
    public async Task AStaleEditForm_SavesNothing_SaysWhichFieldsDiffer_AndASecondSaveIsADeliberateOverwrite()
    {
        var (saleId, browser, edit) = await UpcomingSaleToEditAsync();
        var tabA = Fields(await browser.Http.GetStringAsync(edit));
        var tabB = Fields(await browser.Http.GetStringAsync(edit));

        tabB["price"] = "150.00";
        tabB["productName"] = "Renamed in tab B";
        using (var savedB = await browser.SubmitAsync(edit, edit, tabB))
        {
            Assert.Equal(HttpStatusCode.Redirect, savedB.StatusCode);
        }

        // Tab A still shows 10.00 and "Test product", and changes only the stock.
        tabA["totalStock"] = "7";
        using var staleA = await browser.SubmitAsync(edit, edit, tabA);

        Assert.Equal(HttpStatusCode.Conflict, staleA.StatusCode);
        var page = await staleA.Content.ReadAsStringAsync();
        Assert.Contains(WebUtility.HtmlEncode(AdminSaleForms.StaleFormMessage), page, StringComparison.Ordinal);
        Assert.Contains("Differs from the saved sale: Product name, Price, Stock.", page, StringComparison.Ordinal);
        Assert.Contains("Saved now: 150.00", page, StringComparison.Ordinal);
        Assert.Contains("Saved now: Renamed in tab B", page, StringComparison.Ordinal);
        var sale = await Admin.GetJsonAsync($"/api/v1/admin/sales/{saleId}");
        Assert.Equal("Renamed in tab B", sale["productName"]!.GetValue<string>());
        Assert.Equal(150m, sale["price"]!.GetValue<decimal>());
        Assert.Equal(5, sale.Int("totalStock"));

        // The form came back with what A typed and the sale's version now: saving it again is a choice to overwrite.
        var again = Fields(page);
        Assert.Equal("7", again["totalStock"]);
        Assert.Equal("10.00", again["price"]);
        Assert.NotEqual(tabA["version"], again["version"]);
        using var overwrite = await browser.SubmitAsync(edit, edit, again);
        Assert.Equal(HttpStatusCode.Redirect, overwrite.StatusCode);
        sale = await Admin.GetJsonAsync($"/api/v1/admin/sales/{saleId}");
        Assert.Equal(7, sale.Int("totalStock"));
        Assert.Equal(10m, sale["price"]!.GetValue<decimal>());
    }

    [Fact]
    public async Task ASaveLandingBetweenTheFormsReadAndItsWrite_IsNotOverwritten_TheFormIsStale()
    {
        var (saleId, browser, edit) = await UpcomingSaleToEditAsync();
        var form = Fields(await browser.Http.GetStringAsync(edit));
        form["price"] = "120.00";
        form["__af"] = await browser.TokenAsync(edit);

        // The save stops once it has read the sale, whose version is still the form's; another admin's change to the same
        // field is written then (through the API, which takes the admins' lock the save has not reached yet).
        var read = new Pause();
        Store.AfterFindLatest = _ => read.HoldAsync();
        var save = browser.PostFormAsync(edit, form);
        await read.Reached;
        using (var other = await Admin.PatchJsonAsync($"/api/v1/admin/sales/{saleId}", """{"price":150}"""))
        {
            Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        }

        read.Release();
        using var stale = await save;

        // Compared before the lock only, the save went on and wrote 120.00 over the other admin's 150.
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        var page = await stale.Content.ReadAsStringAsync();
        Assert.Contains(WebUtility.HtmlEncode(AdminSaleForms.StaleFormMessage), page, StringComparison.Ordinal);
        Assert.Contains("Differs from the saved sale: Price.", page, StringComparison.Ordinal);
        Assert.Contains("Saved now: 150.00", page, StringComparison.Ordinal);
        Assert.Equal(150m, (await Admin.GetJsonAsync($"/api/v1/admin/sales/{saleId}"))["price"]!.GetValue<decimal>());
        Assert.NotEqual(form["version"], Fields(page)["version"]);
    }

    [Fact]
    public async Task AnEditForm_UpToDate_SavesAsBefore()
    {
        var (saleId, browser, edit) = await UpcomingSaleToEditAsync();
        var form = Fields(await browser.Http.GetStringAsync(edit));
        Assert.NotEmpty(form["version"]);

        form["totalStock"] = "9";
        using var saved = await browser.SubmitAsync(edit, edit, form);

        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Equal(9, (await Admin.GetJsonAsync($"/api/v1/admin/sales/{saleId}")).Int("totalStock"));
    }

    // ---- 2. A session that lapsed mid-form ----

    [Theory]
    [InlineData("POST", "/login?ReturnUrl=%2Fadmin%2Fsales%2Fabc%2Fedit", "/login?ReturnUrl=%2Fadmin%2Fsales%2Fabc%2Fedit&m=session_ended")]
    [InlineData("POST", "/login?ReturnUrl=%2Fadmin%2Fsales", "/login?ReturnUrl=%2Fadmin%2Fsales%2Fnew&m=session_ended")]
    [InlineData("GET", "/login?ReturnUrl=%2Fadmin", "/login?ReturnUrl=%2Fadmin")]
    [InlineData("HEAD", "/login?ReturnUrl=%2Fadmin", "/login?ReturnUrl=%2Fadmin")]
    public void TheSignInRedirect_OfAFormPost_SaysTheSessionEnded(string method, string login, string expected)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;

        Assert.Equal(expected, AccountPages.MarkLapsedFormPost(context.Request, login));
    }

    [Fact]
    public async Task TheSignInPage_FromALapsedFormPost_SaysTheChangesWereNotSaved()
    {
        var browser = Browser.Open(App);

        var page = await browser.Http.GetStringAsync("/login?ReturnUrl=%2Fadmin%2Fsales%2Fnew&m=session_ended");
        var plain = await browser.Http.GetStringAsync("/login?ReturnUrl=%2Fadmin%2Fsales%2Fnew");

        Assert.Contains("Your session ended; sign in again. Your changes were not saved.", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Your session ended", plain, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/admin/sales", "ReturnUrl=%2Fadmin%2Fsales%2Fnew")]
    [InlineData("/admin/sales/0190a2b4-0000-7000-8000-000000000001/edit", "ReturnUrl=%2Fadmin%2Fsales%2F0190a2b4-0000-7000-8000-000000000001%2Fedit")]
    public async Task AFormPostedWithoutASession_IsSentToSignInSayingSo(string path, string returnUrl)
    {
        var browser = Browser.Open(App);

        using var posted = await browser.Http.PostAsync(path, new FormUrlEncodedContent([new("productName", "typed")]));

        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        var location = posted.Headers.Location!.OriginalString;
        Assert.Contains(returnUrl, location, StringComparison.Ordinal);
        Assert.Contains("m=session_ended", location, StringComparison.Ordinal);
    }

    // ---- 3. Image URL ----

    [Fact]
    public async Task AnImagePathWithNoFile_Is400NamingTheImage_ThroughTheApi_ButAFileOrAnHttpsAddressIsTaken()
    {
        var problem = await Api.ExpectProblemAsync(Admin.PostJsonAsync("/api/v1/admin/sales", CreateJson("/images/product.svg")),
            HttpStatusCode.BadRequest, "validation_failed");
        Assert.Equal(["imageUrl"], problem["errors"]!.AsObject().Select(e => e.Key));
        Assert.Contains("names no file on this site", problem["errors"]!["imageUrl"]![0]!.GetValue<string>(), StringComparison.Ordinal);

        using (var file = await Admin.PostJsonAsync("/api/v1/admin/sales", CreateJson("/images/airpods-pro.svg")))
        {
            await Api.EnsureAsync(file, HttpStatusCode.Created);
        }

        using (var https = await Admin.PostJsonAsync("/api/v1/admin/sales", CreateJson("https://images.example/phone.png")))
        {
            await Api.EnsureAsync(https, HttpStatusCode.Created);
        }

        // Not a way out of the web root either.
        await Api.ExpectProblemAsync(Admin.PostJsonAsync("/api/v1/admin/sales", CreateJson("/../appsettings.json")),
            HttpStatusCode.BadRequest, "validation_failed");
        // Nor a file named through an encoded slash, which the server never serves at that address.
        await Api.ExpectProblemAsync(Admin.PostJsonAsync("/api/v1/admin/sales", CreateJson("/images%2Fairpods-pro.svg")),
            HttpStatusCode.BadRequest, "validation_failed");

        var saleId = (await Admin.CreateSaleAsync(5, startsAt: DateTimeOffset.UtcNow.AddHours(1), endsAt: DateTimeOffset.UtcNow.AddHours(2))).Id();
        await Api.ExpectProblemAsync(Admin.PatchJsonAsync($"/api/v1/admin/sales/{saleId}", """{"imageUrl":"/images/nope.svg"}"""),
            HttpStatusCode.BadRequest, "validation_failed");
        Assert.Null((await Admin.GetJsonAsync($"/api/v1/admin/sales/{saleId}"))["imageUrl"]);
    }

    [Fact]
    public async Task AnImagePathWithNoFile_IsAFieldErrorOnTheForm_AndTheFormsExampleIsNoBrokenPath()
    {
        var browser = await AdminBrowserAsync();
        var newForm = await browser.Http.GetStringAsync("/admin/sales/new");
        Assert.DoesNotContain("/images/product.svg", newForm, StringComparison.Ordinal);

        var form = ValidForm();
        form["imageUrl"] = "/images/iphone15.svg";
        using var refused = await browser.SubmitAsync("/admin/sales/new", "/admin/sales", form);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var page = await refused.Content.ReadAsStringAsync();
        Assert.Contains("Image URL names no file on this site", page, StringComparison.Ordinal);
        Assert.Matches("""<input id="f-imageUrl"[^>]* aria-invalid="true""", page);

        form["imageUrl"] = "/images/iphone-15-pro.svg";
        using var created = await browser.SubmitAsync("/admin/sales/new", "/admin/sales", form);
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
    }

    // ---- 4. No risky defaults ----

    [Fact]
    public async Task TheNewSaleForm_HasNoPriceOrStockUntilTyped_AndAFormSentAsDrawnIsRefused()
    {
        var browser = await AdminBrowserAsync();
        var page = await browser.Http.GetStringAsync("/admin/sales/new");
        var drawn = Fields(page);

        Assert.Equal("", drawn["price"]);
        Assert.Equal("", drawn["totalStock"]);
        Assert.Equal("1", drawn["perUserLimit"]);
        Assert.Matches("""<input id="f-price"[^>]* placeholder="19.99""", page);

        drawn["sku"] = "FORGOT-" + Guid.NewGuid().ToString("N")[..8];
        drawn["productName"] = "Forgot the price";
        using var refused = await browser.SubmitAsync("/admin/sales/new", "/admin/sales", drawn);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var refusedPage = await refused.Content.ReadAsStringAsync();
        Assert.Contains("Price is required.", refusedPage, StringComparison.Ordinal);
        Assert.Contains("Stock is required.", refusedPage, StringComparison.Ordinal);
    }

    // ---- 5. Messages name the sale ----

    [Fact]
    public async Task EndAndDelete_SendTheDashboardTheSalesNameAndSku()
    {
        var ended = await Admin.CreateSaleAsync(5);
        var deleted = await Admin.CreateSaleAsync(5, startsAt: DateTimeOffset.UtcNow.AddHours(1), endsAt: DateTimeOffset.UtcNow.AddHours(2));
        var browser = await AdminBrowserAsync();

        using var end = await browser.SubmitAsync($"/admin/sales/{ended.Id()}/end", $"/admin/sales/{ended.Id()}/end", []);
        using var delete = await browser.SubmitAsync($"/admin/sales/{deleted.Id()}/delete", $"/admin/sales/{deleted.Id()}/delete", []);

        Assert.Equal($"/admin?m=ended&name=Test%20product&sku={ended["sku"]!.GetValue<string>()}", end.Headers.Location?.OriginalString);
        Assert.Equal($"/admin?m=deleted&name=Test%20product&sku={deleted["sku"]!.GetValue<string>()}", delete.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task TheDashboard_AfterADelete_NamesTheSale_Encoded()
    {
        var browser = await AdminBrowserAsync();

        var page = await browser.Http.GetStringAsync("/admin?m=deleted&name=%3Cb%3ELamp%3C%2Fb%3E&sku=LAMP-1");

        Assert.Contains("Sale “&lt;b&gt;Lamp&lt;/b&gt;” (LAMP-1) deleted.", page, StringComparison.Ordinal);
    }

    [Fact]
    public void TheDoneMessage_NamesTheSale_AsText()
    {
        Assert.Equal("Sale “Lamp <b>” (LAMP-1) ended: nobody can buy it any more.", AdminSaleForms.DoneFlash("ended", "Lamp <b>", "LAMP-1")!.Text);
        Assert.Equal("Sale “Lamp &lt;b&gt;” (LAMP-1) deleted.", AdminSaleForms.DoneFlash("deleted", "Lamp <b>", "LAMP-1")!.Body.Value);
        Assert.Null(AdminSaleForms.DoneFlash("ended", null, null));
        Assert.Null(AdminSaleForms.DoneFlash("saved", "Lamp", "LAMP-1"));
    }

    [Fact]
    public async Task ACreateRefusedSkuTaken_LinksToTheSaleThatHasIt()
    {
        var holder = await Admin.CreateSaleAsync(5);
        var browser = await AdminBrowserAsync();
        var form = ValidForm();
        form["sku"] = holder["sku"]!.GetValue<string>();

        using var refused = await browser.SubmitAsync("/admin/sales/new", "/admin/sales", form);

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var page = await refused.Content.ReadAsStringAsync();
        Assert.Contains($"""SKU is taken. <a href="/admin/sales/{holder.Id()}">See the sale that has it</a>.""", page, StringComparison.Ordinal);
    }

    // ---- 6. The CSV export ----

    [Theory]
    [InlineData("JPY", "12800", "12800", "25600")]
    [InlineData("KWD", "12.5", "12.500", "25.000")]
    [InlineData("USD", "12.5", "12.50", "25.00")]
    public void ACsvRow_WritesAmountsInTheirCurrencysMinorUnits(string currency, string price, string unit, string total)
    {
        var order = new Order
        {
            Id = Guid.NewGuid(), SaleId = Guid.NewGuid(), UserId = "u1", Username = "alice", Quantity = 2,
            UnitPrice = decimal.Parse(price, System.Globalization.CultureInfo.InvariantCulture), Currency = currency,
            PurchasedAt = DateTimeOffset.UnixEpoch, RemainingAfter = 0,
        };

        var cells = OrdersCsv.Row(order, "SKU-1,Lamp").TrimEnd('\r', '\n').Split(',');

        Assert.Equal(["u1", "alice", "2", unit, total, currency], cells[2..8]);
        Assert.Equal(["SKU-1", "Lamp"], cells[^2..]);
    }

    [Fact]
    public async Task TheCsvExport_NamesTheSaleOnEveryRow_SafelyQuoted()
    {
        using var created = await Admin.PostJsonAsync("/api/v1/admin/sales", $$"""
            {"sku":"CSV-{{Guid.NewGuid():N}}","productName":"=cmd, \"quoted\"","price":12800,"currency":"JPY","totalStock":5,
             "startsAt":"{{DateTimeOffset.UtcNow.AddMinutes(-1):O}}","endsAt":"{{DateTimeOffset.UtcNow.AddHours(1):O}}"}
            """);
        await Api.EnsureAsync(created, HttpStatusCode.Created);
        var sale = await created.ReadJsonAsync();
        await Admin.WithToken((await Admin.MintBuyersAsync(1))[0].Token).BoughtAsync(sale.Id());

        using var response = await Admin.GetAsync($"/api/v1/admin/sales/{sale.Id()}/orders.csv");
        var lines = (await response.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("orderId,saleId,userId,username,quantity,unitPrice,total,currency,purchasedAt,status,idempotencyKey,cancelledAt,cancelledBy,sku,productName", lines[0]);
        Assert.EndsWith($",{sale["sku"]!.GetValue<string>()},\"'=cmd, \"\"quoted\"\"\"", lines[1], StringComparison.Ordinal);
        Assert.Contains(",1,12800,12800,JPY,", lines[1], StringComparison.Ordinal);
    }

    // ---- helpers ----

    private static string CreateJson(string imageUrl) => $$"""
        {"sku":"IMG-{{Guid.NewGuid():N}}","productName":"Image","price":10,"totalStock":5,"imageUrl":"{{imageUrl}}",
         "startsAt":"{{DateTimeOffset.UtcNow.AddHours(1):O}}","endsAt":"{{DateTimeOffset.UtcNow.AddHours(2):O}}"}
        """;

    private static Dictionary<string, string> ValidForm() => new()
    {
        ["sku"] = "AUDIT-" + Guid.NewGuid().ToString("N")[..8], ["productName"] = "Lamp", ["description"] = "",
        ["price"] = "10.00", ["currency"] = "USD", ["totalStock"] = "5", ["perUserLimit"] = "1",
        ["startsAt"] = "2030-01-01T10:00", ["endsAt"] = "2030-01-02T10:00", ["imageUrl"] = "",
    };

    /// <summary>An upcoming sale of 5 at 10.00, an admin's browser, and the address of the sale's edit form.</summary>
    private async Task<(string SaleId, Browser Browser, string Edit)> UpcomingSaleToEditAsync()
    {
        var saleId = (await Admin.CreateSaleAsync(5, startsAt: DateTimeOffset.UtcNow.AddHours(1), endsAt: DateTimeOffset.UtcNow.AddHours(3))).Id();
        return (saleId, await AdminBrowserAsync(), $"/admin/sales/{saleId}/edit");
    }

    private Task<Browser> AdminBrowserAsync() => Browser.AdminAsync(App);

    /// <summary>The sale form's fields as drawn, its hidden version included (when the page has one).</summary>
    private static Dictionary<string, string> Fields(string page)
    {
        var form = InputValue().Matches(page).ToDictionary(m => m.Groups[1].Value, m => WebUtility.HtmlDecode(m.Groups[2].Value));
        form["description"] = WebUtility.HtmlDecode(Description().Match(page).Groups[1].Value);
        if (Version().Match(page) is { Success: true } version)
        {
            form["version"] = version.Groups[1].Value;
        }

        return form;
    }

    [GeneratedRegex("""<input id="f-[a-zA-Z]+" name="([a-zA-Z]+)" type="[a-z-]+" value="([^"]*)""")]
    private static partial Regex InputValue();

    [GeneratedRegex("""<textarea id="f-description"[^>]*>([^<]*)</textarea>""")]
    private static partial Regex Description();

    [GeneratedRegex("""<input type="hidden" name="version" value="([^"]*)">""")]
    private static partial Regex Version();
}
