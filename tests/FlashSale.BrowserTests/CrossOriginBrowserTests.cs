using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using FlashSale.Tests.Infrastructure;
using Microsoft.Playwright;

namespace FlashSale.BrowserTests;

/// <summary>
/// In Chromium, a storefront on another origin (<c>Cors:AllowedOrigins</c>): its script buys with a bearer token and
/// reads the 201 and the order's address, follows the live feed, and cannot make a credentialed (cookie) call; a page
/// of an origin not allowed cannot read the API at all. Each page is served from a port of its own on 127.0.0.1 (an
/// origin of its own): Chromium lets a page reach a loopback address only from loopback (Local Network Access), so a
/// page Playwright served under a made-up host was refused before CORS had a say.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class CrossOriginBrowserTests : IAsyncLifetime
{
    private readonly BrowserFixture _fixture;
    private readonly PageOrigin _shop = new();
    private readonly PageOrigin _stranger = new();
    private readonly TestApp _app;
    private IBrowserContext? _context;

    public CrossOriginBrowserTests(BrowserFixture fixture)
    {
        _fixture = fixture;
        _app = new(realSocket: true, settings: new Dictionary<string, string?> { ["Cors:AllowedOrigins:0"] = _shop.Origin });
    }

    public Task InitializeAsync()
    {
        _app.StartServer();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (_context is not null)
        {
            await _context.CloseAsync();
        }

        await _app.DisposeAsync();
        _shop.Dispose();
        _stranger.Dispose();
    }

    [Fact]
    public async Task AStorefrontOnAnAllowedOrigin_Buys_ReadsTheAnswer_AndFollowsTheFeed_ButSendsNoCookies()
    {
        var http = _app.CreateClient();
        var api = http.BaseAddress!.ToString().TrimEnd('/');
        var admin = await Api.AsAdminAsync(http);
        var sale = (string)(await admin.CreateSaleAsync(stock: 5))["id"]!;
        var (_, token) = (await admin.MintBuyersAsync(1))[0];
        var shop = await PageOnAsync(_shop);

        var bought = await shop.EvaluateAsync<JsonElement>("""
            async ([api, sale, token]) => {
              const r = await fetch(`${api}/api/v1/sales/${sale}/purchases`, { method: 'POST',
                headers: { 'Authorization': 'Bearer ' + token, 'Content-Type': 'application/json', 'Idempotency-Key': 'cors-browser-1' },
                body: JSON.stringify({ quantity: 1 }) });
              return { status: r.status, location: r.headers.get('Location'), quantity: (await r.json()).quantity };
            }
            """, new[] { api, sale, token });
        Assert.Equal(201, bought.GetProperty("status").GetInt32());
        Assert.StartsWith("/api/v1/me/orders/", bought.GetProperty("location").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, bought.GetProperty("quantity").GetInt32());

        // The live feed: EventSource is a CORS request too.
        var remaining = await shop.EvaluateAsync<int>("""
            ([api, sale]) => new Promise((resolve, reject) => {
              const feed = new EventSource(`${api}/api/v1/sales/${sale}/events`);
              feed.addEventListener('snapshot', e => { feed.close(); resolve(JSON.parse(e.data).remainingStock); });
              feed.onerror = () => { feed.close(); reject(new Error('the feed failed')); };
            })
            """, new[] { api, sale });
        Assert.Equal(4, remaining);

        // With cookies (credentials: 'include') the browser refuses the answer: the cookie session stays same-origin.
        Assert.Equal("refused", await FetchAsync(shop, $"{api}/api/v1/sales", credentials: "include"));
    }

    [Fact]
    public async Task APageOfAnotherOrigin_CannotReadTheApi()
    {
        var api = _app.CreateClient().BaseAddress!.ToString().TrimEnd('/');
        var stranger = await PageOnAsync(_stranger);

        Assert.Equal("refused", await FetchAsync(stranger, $"{api}/api/v1/sales", credentials: "omit"));
        // The allowed storefront reads the same address.
        Assert.Equal("200", await FetchAsync(await PageOnAsync(_shop), $"{api}/api/v1/sales", credentials: "omit"));
    }

    /// <summary>A page of <paramref name="origin"/>.</summary>
    private async Task<IPage> PageOnAsync(PageOrigin origin)
    {
        _context ??= await _fixture.Browser.NewContextAsync();
        _context.SetDefaultTimeout(30_000);
        var page = await _context.NewPageAsync();
        await page.GotoAsync($"{origin.Origin}/");
        return page;
    }

    /// <summary>An origin of its own, <c>http://127.0.0.1:port</c>, serving one empty page to every request.</summary>
    private sealed class PageOrigin : IDisposable
    {
        private readonly HttpListener _listener = new();

        public PageOrigin()
        {
            var free = new TcpListener(IPAddress.Loopback, 0);
            free.Start();
            var port = ((IPEndPoint)free.LocalEndpoint).Port;
            free.Stop();
            Origin = $"http://127.0.0.1:{port}";
            _listener.Prefixes.Add(Origin + "/");
            _listener.Start();
            _ = ServeAsync();
        }

        public string Origin { get; }

        public void Dispose() => _listener.Close();

        private async Task ServeAsync()
        {
            var page = "<!doctype html><title>storefront</title><p>storefront</p>"u8.ToArray();
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception) when (!_listener.IsListening)
                {
                    return;
                }

                context.Response.ContentType = "text/html";
                await context.Response.OutputStream.WriteAsync(page);
                context.Response.Close();
            }
        }
    }

    /// <summary>The status the page's script could read, or "refused" when the browser withheld the answer.</summary>
    private static Task<string> FetchAsync(IPage page, string url, string credentials) => page.EvaluateAsync<string>("""
        async ([url, credentials]) => {
          try { return String((await fetch(url, { credentials })).status); } catch { return 'refused'; }
        }
        """, new[] { url, credentials });
}
