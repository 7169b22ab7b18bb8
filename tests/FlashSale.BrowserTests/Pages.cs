using Microsoft.Playwright;

namespace FlashSale.BrowserTests;

/// <summary>What a person does on the pages, in one place.</summary>
public static class Pages
{
    public static string NewUsername() => "buyer-" + Guid.NewGuid().ToString("N")[..10];

    public static async Task RegisterAsync(IPage page, string username, string password = "correct-horse-1")
    {
        await page.GotoAsync("/register");
        await page.GetByLabel("Username").FillAsync(username);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create an account" }).ClickAsync();
        await LeftAsync(page, "/register");
    }

    public static async Task SignInAsync(IPage page, string username, string password)
    {
        await page.GotoAsync("/login");
        await page.GetByLabel("Username").FillAsync(username);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await LeftAsync(page, "/login");
    }

    /// <summary>
    /// Waits for the form to send the browser on. A form that stays says why on the page (a refusal, a rate limit, a
    /// rejected antiforgery token): the failure carries that text, where a bare timeout told nothing.
    /// The next page counts as reached once its navigation has committed (what follows waits for what it needs by
    /// itself): on a loaded CI machine a page reached after a sign-in or registration, its content on the screen, twice
    /// went 30 and 60 s without DOMContentLoaded (its deferred script not yet run), and failed as "still on /admin",
    /// "still on /" — the form had done its work.
    /// </summary>
    private static async Task LeftAsync(IPage page, string form)
    {
        try
        {
            await page.WaitForURLAsync(url => !url.Contains(form, StringComparison.Ordinal),
                new() { WaitUntil = WaitUntilState.Commit, Timeout = 60_000 });
        }
        catch (TimeoutException) when (!page.Url.Contains(form, StringComparison.Ordinal))
        {
            // Left after all: under CI load the wait once timed out with the page already on /admin, its content drawn
            // (CI of a3079ce, DashboardLiveTests) — the URL is what this waits for, and it is there.
        }
        catch (TimeoutException)
        {
            var text = await page.Locator("body").InnerTextAsync(new() { Timeout = 5000 });
            throw new Xunit.Sdk.XunitException($"Still on {page.Url} after sending the form; the page says: {text[..Math.Min(text.Length, 600)]}");
        }
    }

    /// <summary>The sale page's buy button, whatever it says ("Buy now", or why not: Web/BuyButtonLabels.cs).</summary>
    public static ILocator BuyButton(IPage page) => page.Locator("[data-role=buy-button]");

    public static ILocator Status(IPage page) => page.Locator(".product [data-role=status]");

    public static ILocator Remaining(IPage page) => page.Locator(".product [data-role=remaining]");

    /// <summary>
    /// The page's message: the script's answer under a sale's buy button, or the box above the content (a form post's
    /// answer, other pages). The script hides the box when it answers under the button, so one of them shows at a time.
    /// </summary>
    public static ILocator Flash(IPage page) => page.Locator("[data-role=answer]:visible, #flash:visible");

    /// <summary>As the browser does when the user switches tabs: <c>document.hidden</c>, then <c>visibilitychange</c>.</summary>
    public static Task SetHiddenAsync(IPage page, bool hidden) => page.EvaluateAsync("""
        hidden => {
          Object.defineProperty(document, "hidden", { configurable: true, get: () => hidden });
          document.dispatchEvent(new Event("visibilitychange"));
        }
        """, hidden);

    /// <summary>Screenshots for the docs, only when FLASHSALE_SCREENSHOTS names a folder.</summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        var folder = Environment.GetEnvironmentVariable("FLASHSALE_SCREENSHOTS");
        if (string.IsNullOrEmpty(folder))
        {
            return;
        }

        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(new() { Path = Path.Combine(folder, name + ".png"), FullPage = true });
    }
}
