using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace FlashSale.BrowserTests;

/// <summary>
/// The API reference (<c>/api-docs</c>, Scalar) is the reference alone: no vendor buttons, and nothing its policy blocks.
/// Until 2026-12-07 it offered "Deploy", "Generate SDK" and "Ask AI", and each visit logged ~15 CSP errors for fonts from
/// fonts.scalar.com (font-src is 'self' data:).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ApiReferenceTests(BrowserFixture fixture) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => fixture.CloseContextsAsync();

    [Fact]
    public async Task TheApiReference_LoadsWithoutErrors_OrVendorButtons()
    {
        var page = await fixture.NewPageAsync();
        var errors = new List<string>();
        var elsewhere = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                errors.Add(message.Text);
            }
        };
        page.Request += (_, request) =>
        {
            if (!request.Url.StartsWith(fixture.BaseAddress.GetLeftPart(UriPartial.Authority), StringComparison.Ordinal)
                && !request.Url.StartsWith("data:", StringComparison.Ordinal))
            {
                elsewhere.Add(request.Url);
            }
        };

        await page.GotoAsync("/api-docs/");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Introduction" })).ToBeVisibleAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);

        Assert.Empty(errors);
        Assert.Empty(elsewhere);
        foreach (var vendor in new[] { "Ask AI", "Generate SDK", "Deploy" })
        {
            await Expect(page.GetByText(vendor, new() { Exact = false })).ToHaveCountAsync(0);
        }
    }
}
