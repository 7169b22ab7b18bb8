using FlashSale.Tests.Infrastructure;
using Microsoft.Playwright;

namespace FlashSale.BrowserTests;

/// <summary>
/// One server on a real socket (with the demo sales) and one headless Chromium for all browser
/// tests; each test opens its own browser context, so cookies never leak between tests.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private readonly List<IBrowserContext> _contexts = [];
    private IPlaywright? _playwright;

    public TestApp App { get; } = new(realSocket: true, settings: new Dictionary<string, string?> { ["Storage:SeedDemoData"] = "true" });

    public IBrowser Browser { get; private set; } = null!;

    public Uri BaseAddress { get; private set; } = null!;

    public Api Admin { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var http = App.CreateClient();
        BaseAddress = http.BaseAddress!;
        Admin = await Api.AsAdminAsync(http);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Environment.GetEnvironmentVariable("FLASHSALE_TEST_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium",
            Headless = true,
            Args =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
            ],
        });
    }

    /// <summary>A page in a context of its own; its time zone UTC unless a test is about another, whatever the machine's.</summary>
    public async Task<IPage> NewPageAsync(bool javaScript = true, int width = 1280, int height = 900, string timeZone = "UTC")
    {
        var context = await Browser.NewContextAsync(new()
        {
            BaseURL = BaseAddress.ToString(),
            JavaScriptEnabled = javaScript,
            ViewportSize = new() { Width = width, Height = height },
            TimezoneId = timeZone,
        });
        // Generous: the machine is shared; the assertions that are about time say so themselves.
        context.SetDefaultTimeout(30_000);
        _contexts.Add(context);
        return await context.NewPageAsync();
    }

    /// <summary>After each test: open pages keep their live streams (and the server's feeds) going otherwise.</summary>
    public async Task CloseContextsAsync()
    {
        foreach (var context in _contexts)
        {
            await context.CloseAsync();
        }

        _contexts.Clear();
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        await App.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
