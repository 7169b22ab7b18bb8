using System.Net;
using FlashSale.Tests.Admin;
using FlashSale.Sales;
using FlashSale.Tests.Infrastructure;
using FlashSale.Web;
using Microsoft.Extensions.DependencyInjection;

namespace FlashSale.Tests.Web;

/// <summary>
/// The admin pages need the admin role, not just a sign-in (G8): a buyer signed in by cookie who opens any of them, or
/// posts any admin form with a valid antiforgery token of their own, is sent to the sign-in page (the cookie scheme's
/// access denied, AuthSetup: AccessDeniedPath) and nothing changes.
/// </summary>
public sealed class AdminPagesBuyerRefusalTests() : AdminAppTest(new TestApp())
{
    private const string Password = "buyer-password-1";

    [Theory]
    [InlineData("/admin")]
    [InlineData("/admin/live")]
    [InlineData("/admin/sales/new")]
    [InlineData("/admin/sales/{sale}")]
    [InlineData("/admin/sales/{sale}/live")]
    [InlineData("/admin/sales/{sale}/edit")]
    [InlineData("/admin/sales/{sale}/end")]
    [InlineData("/admin/sales/{unsold}/delete")]
    [InlineData("/admin/orders/{order}/cancel")]
    [InlineData("/admin/buyers")]
    [InlineData("/admin/buyers?username=admin")]
    [InlineData("/admin/ledger")]
    public async Task AnAdminPage_SendsASignedInBuyerToSignIn(string template)
    {
        var (sale, unsold, order) = await SalesAsync();
        var browser = await SignedInBuyerAsync();
        var page = template.Replace("{sale}", sale, StringComparison.Ordinal).Replace("{unsold}", unsold, StringComparison.Ordinal)
            .Replace("{order}", order, StringComparison.Ordinal);

        using var request = new HttpRequestMessage(HttpMethod.Get, page);
        request.Headers.Accept.ParseAdd(Browser.HtmlAccept);
        using var response = await browser.Http.SendAsync(request);

        AssertSentToSignIn(response, page);
    }

    /// <summary>
    /// Where the refusal lands, the sign-in page says why: until 2026-12-07 a signed-in buyer read a blank sign-in form
    /// under "Sign out (bob)", and nothing said the account was not an admin's. A visitor signed out reads the plain form.
    /// </summary>
    [Fact]
    public async Task TheSignInPage_TellsASignedInBuyerSentFromAnAdminPage_TheAccountIsNoAdmins()
    {
        var browser = await SignedInBuyerAsync();
        var username = await UsernameAsync(browser);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/sales/new");
        request.Headers.Accept.ParseAdd(Browser.HtmlAccept);
        using var refused = await browser.Http.SendAsync(request);

        var page = await browser.Http.GetStringAsync(refused.Headers.Location!);

        Assert.Contains($"""<div id="flash" class="flash warn" role="status" aria-live="polite" tabindex="-1" autofocus>You are signed in as {username}, which is not an admin account. Sign in with an admin account to open that page.</div>""",
            page, StringComparison.Ordinal);
        var elsewhere = await browser.Http.GetStringAsync("/login?returnUrl=%2Forders");
        Assert.DoesNotContain("not an admin account", elsewhere, StringComparison.Ordinal);
        var signedOut = await Browser.Open(App).Http.GetStringAsync(refused.Headers.Location!);
        Assert.DoesNotContain("not an admin account", signedOut, StringComparison.Ordinal);
    }

    private static async Task<string> UsernameAsync(Browser browser)
    {
        var orders = await browser.Http.GetStringAsync("/orders");
        return System.Text.RegularExpressions.Regex.Match(orders, @"Sign out <span class=""muted"">\(([^)]+)\)</span>").Groups[1].Value;
    }

    [Theory]
    [InlineData("end")]
    [InlineData("delete")]
    [InlineData("cancel")]
    [InlineData("edit")]
    [InlineData("create")]
    [InlineData("repair")]
    public async Task AnAdminForm_PostedByASignedInBuyerWithAValidToken_ChangesNothing(string form)
    {
        var (sale, unsold, order) = await SalesAsync();
        var saleBefore = await SnapshotAsync(sale);
        var unsoldBefore = await SnapshotAsync(unsold);
        var browser = await SignedInBuyerAsync();
        // A token valid for this buyer: the buy form of the shop's sale page, which they may see (tokens are per user).
        var token = await browser.TokenAsync($"/sales/{unsold}");
        var (action, fields) = form switch
        {
            "end" => ($"/admin/sales/{sale}/end", new Dictionary<string, string>()),
            "delete" => ($"/admin/sales/{unsold}/delete", []),
            "cancel" => ($"/admin/orders/{order}/cancel", []),
            "edit" => ($"/admin/sales/{unsold}/edit", await EditFormAsync(unsold)),
            "repair" => ("/admin/ledger/repair", []),
            _ => ("/admin/sales", new()
            {
                ["sku"] = "BUYER-MADE", ["productName"] = "A buyer's sale", ["price"] = "1", ["currency"] = "USD", ["totalStock"] = "1",
                ["perUserLimit"] = "1", ["startsAt"] = "2020-01-01T00:00", ["endsAt"] = "2099-01-01T00:00",
            }),
        };

        using var response = await browser.PostFormAsync(action, new Dictionary<string, string>(fields) { ["__af"] = token });

        AssertSentToSignIn(response, action);
        Assert.Equal(saleBefore, await SnapshotAsync(sale));
        Assert.Equal(unsoldBefore, await SnapshotAsync(unsold));
        Assert.Equal("confirmed", Assert.Single(await Admin.AllOrdersAsync(sale))["status"]!.GetValue<string>());
        Assert.Equal(2, (await Admin.GetJsonAsync("/api/v1/sales"))["items"]!.AsArray().Count);

        // The token was good: with it the buyer's own form does what a buyer may do.
        using var bought = await browser.PostFormAsync($"/sales/{unsold}/buy", new() { ["quantity"] = "1", ["__af"] = token });
        Assert.Equal(HttpStatusCode.Redirect, bought.StatusCode);
        Assert.Single(await Admin.AllOrdersAsync(unsold));
    }

    /// <summary>The edit form of a sale without orders as an admin would post it, renaming the product (which it may).</summary>
    private async Task<Dictionary<string, string>> EditFormAsync(string saleId)
    {
        var sale = await App.Services.GetRequiredService<ISaleStore>().FindAsync(Guid.Parse(saleId), CancellationToken.None);
        var values = SaleFormValues.From(sale!) with { ProductName = "Renamed by a buyer" };
        return typeof(SaleFormValues).GetProperties()
            .Where(p => p.GetValue(values) is string)
            .ToDictionary(p => char.ToLowerInvariant(p.Name[0]) + p.Name[1..], p => (string)p.GetValue(values)!);
    }

    /// <summary>A sale with one confirmed order, and one with none (only such a sale can be deleted).</summary>
    private async Task<(string Sale, string Unsold, string Order)> SalesAsync()
    {
        var (sale, _, orderIds) = await Admin.SaleWithOrdersAsync(stock: 5, buyers: 1);
        var unsold = (await Admin.CreateSaleAsync(stock: 3)).Id();
        return (sale, unsold, orderIds[0]);
    }

    /// <summary>The cookie scheme's access denied: a redirect to the sign-in page, coming back to where the buyer was.</summary>
    private static void AssertSentToSignIn(HttpResponseMessage response, string path)
    {
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{path}: {(int)response.StatusCode}");
        var location = response.Headers.Location!;
        var uri = location.IsAbsoluteUri ? location : new Uri(new Uri("http://localhost"), location);
        Assert.Equal("/login", uri.AbsolutePath);
        Assert.Equal("?ReturnUrl=" + Uri.EscapeDataString(path), uri.Query);
    }

    /// <summary>A sale as the admin API reads it, without the moment it was read.</summary>
    private async Task<string> SnapshotAsync(string saleId)
    {
        var sale = await Admin.GetJsonAsync($"/api/v1/admin/sales/{saleId}");
        sale.Remove("serverTime");
        return sale.ToJsonString();
    }

    private async Task<Browser> SignedInBuyerAsync()
    {
        var username = "not-admin-" + Guid.NewGuid().ToString("N")[..8];
        using (var registered = await Admin.Anonymous().PostAsJsonAsync("/api/v1/accounts", new { username, password = Password }))
        {
            await Api.EnsureAsync(registered, HttpStatusCode.Created);
        }

        var browser = Browser.Open(App);
        await browser.SignInAsync(username, Password);
        return browser;
    }
}
