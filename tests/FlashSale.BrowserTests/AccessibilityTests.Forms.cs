using FlashSale.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace FlashSale.BrowserTests;

/// <summary>The forms as a screen reader meets them: each field tied to its own error and to the format it takes.</summary>
public sealed partial class AccessibilityTests
{
    /// <summary>
    /// A register form refused for both fields marks each (aria-invalid) and ties each to its own error line, the summary
    /// staying on top; a wrong pair at sign-in marks both, described by the form's error. Until 2026-12-07 the combined
    /// error was tied to the username alone, and no field was marked.
    /// </summary>
    [Fact]
    public async Task ARefusedRegisterOrSignIn_TiesEachFieldToItsOwnError()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/register");
        await page.GetByLabel("Username").FillAsync("ab cd");
        await page.GetByLabel("Password").FillAsync("12345678");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create an account" }).ClickAsync();
        await Expect(page.Locator("#form-error")).ToContainTextAsync("Password");
        await ExpectInvalidAsync(page, "#username", "Username may contain only letters");
        await ExpectInvalidAsync(page, "#password", "Password ");
        Assert.DoesNotContain("Password", await DescriptionAsync(page, "#username"), StringComparison.Ordinal);
        Assert.DoesNotContain("Username", await DescriptionAsync(page, "#password"), StringComparison.Ordinal);

        await page.GotoAsync("/login");
        await page.GetByLabel("Username").FillAsync(Pages.NewUsername());
        await page.GetByLabel("Password").FillAsync("not-the-password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await ExpectInvalidAsync(page, "#username", "The username or password is wrong.");
        await ExpectInvalidAsync(page, "#password", "The username or password is wrong.");
    }

    private static async Task ExpectInvalidAsync(IPage page, string field, string error)
    {
        await Expect(page.Locator(field)).ToHaveAttributeAsync("aria-invalid", "true");
        Assert.Contains(error, await DescriptionAsync(page, field), StringComparison.Ordinal);
    }

    /// <summary>The text of the elements a field's aria-describedby names, as a screen reader reads it after the field.</summary>
    private static Task<string> DescriptionAsync(IPage page, string field) => page.Locator(field).EvaluateAsync<string>(
        "f => (f.getAttribute('aria-describedby') || '').split(' ').filter(Boolean).map(id => document.getElementById(id)?.textContent ?? '').join(' | ')");

    /// <summary>
    /// The edit form of an ended sale with orders is read-only: the form says why (its description, the note above it) and
    /// its heading names the sale. Until 2026-12-07 a screen reader met "Edit sale", read-only fields and no save button.
    /// (Until 2026-12-07 a sale with orders was read-only as soon as it had one; its stock and end now change until it ends.)
    /// </summary>
    [Fact]
    public async Task TheReadOnlyEditForm_IsDescribedByWhyItIsReadOnly_AndNamesTheSale()
    {
        var saleId = (await fixture.Admin.CreateSaleAsync(stock: 5))["id"]!.GetValue<string>();
        var buyer = (await fixture.Admin.MintBuyersAsync(1))[0];
        using (var bought = await fixture.Admin.WithToken(buyer.Token).PurchaseAsync(saleId))
        {
            await Api.EnsureAsync(bought, System.Net.HttpStatusCode.Created);
        }

        using (var ended = await fixture.Admin.SendAsync(HttpMethod.Post, $"/api/v1/admin/sales/{saleId}/end"))
        {
            await Api.EnsureAsync(ended, System.Net.HttpStatusCode.OK);
        }

        var page = await fixture.NewPageAsync();
        await Pages.SignInAsync(page, "admin", TestApp.AdminPassword);
        await page.GotoAsync($"/admin/sales/{saleId}/edit");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Edit Test product");
        var form = page.GetByRole(AriaRole.Form, new() { Name = "Edit Test product" });
        await Expect(form).ToHaveAccessibleDescriptionAsync(new System.Text.RegularExpressions.Regex("^This sale has ended and has orders: nothing about it can change"));
        await Expect(form.GetByRole(AriaRole.Button)).ToHaveCountAsync(0);
    }

    /// <summary>
    /// The sale form says the format of its price, SKU and currency before any error (a hint each describes its field),
    /// and an error and the hint both describe the field once refused. Until 2026-12-07 the format was learnt from a refusal.
    /// </summary>
    [Fact]
    public async Task TheSaleForm_DescribesItsFieldsFormats_BeforeAndWithAnError()
    {
        var page = await fixture.NewPageAsync();
        await Pages.SignInAsync(page, "admin", TestApp.AdminPassword);
        await page.GotoAsync("/admin/sales/new");
        await Expect(page.GetByLabel("Price")).ToHaveAccessibleDescriptionAsync("A number such as 19.99: a point for decimals, no thousands separator.");
        await Expect(page.GetByLabel("SKU")).ToHaveAccessibleDescriptionAsync(new System.Text.RegularExpressions.Regex("^Up to 64 letters, digits"));
        await Expect(page.GetByLabel("Currency")).ToHaveAccessibleDescriptionAsync(new System.Text.RegularExpressions.Regex("^3 letters"));

        await page.GetByLabel("Price").FillAsync("25,50");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create sale" }).ClickAsync();
        await Expect(page.GetByLabel("Price")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(page.GetByLabel("Price")).ToHaveAccessibleDescriptionAsync(new System.Text.RegularExpressions.Regex("^Price must be a number such as 19.99. A number such as 19.99: a point"));
    }
}
