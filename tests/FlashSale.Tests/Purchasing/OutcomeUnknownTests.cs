using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlashSale.Storage.Embedded;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace FlashSale.Tests.Purchasing;

/// <summary>
/// A purchase's 503 that cannot say whether anything was bought says so, in the API (<c>outcomeUnknown</c>) and on the
/// buy form; every other purchase 503 bought nothing. The scene: a key's order from before a restart, replayed while
/// the record cannot read it back. The replay's answer went to the exception handler, which said "nothing was
/// changed"; the form said "nothing was bought" for any 503.
/// </summary>
public sealed class OutcomeUnknownTests : IAsyncLifetime
{
    private const string Password = "buyer-password-1";
    private readonly string _username = "unknown-" + Guid.NewGuid().ToString("N")[..8];
    private TestStorage _storage = null!;
    private string _sale = "";

    public async Task InitializeAsync()
    {
        _storage = TestStorage.Create(StorageKind.Embedded);
        await using var first = new TestApp(storage: _storage);
        var admin = await Api.AsAdminAsync(first.CreateClient());
        _sale = (await admin.CreateSaleAsync(stock: 5, perUserLimit: 3)).Id();
        using var registered = await admin.Anonymous().PostAsJsonAsync("/api/v1/accounts", new { username = _username, password = Password });
        await Api.EnsureAsync(registered, HttpStatusCode.Created);
        var buyer = admin.WithToken(await admin.TokenAsync(_username, Password));
        using var bought = await buyer.PurchaseAsync(_sale, 1, "key-before-restart");
        await Api.EnsureAsync(bought, HttpStatusCode.Created);
    }

    public async Task DisposeAsync() => await _storage.DisposeAsync();

    [Fact]
    public async Task TheApi_ReplayingAKeyWhoseOrderCannotBeReadNow_Is503OutcomeUnknown_ThenTheOrder()
    {
        await using var app = new TestApp(storage: _storage, services: FaultyOrderStore.Wrap<SqliteOrderStore>);
        var buyer = new Api(app.CreateClient());
        buyer = buyer.WithToken(await buyer.TokenAsync(_username, Password));
        var faulty = app.Services.GetRequiredService<FaultyOrderStore>();
        faulty.FailFind = new SqliteException("database is locked (test)", 5);

        using (var unreadable = await buyer.PurchaseAsync(_sale, 1, "key-before-restart"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, unreadable.StatusCode);
            Assert.NotNull(unreadable.Headers.RetryAfter);
            var problem = await unreadable.Content.ReadFromJsonAsync<JsonObject>();
            Assert.True(problem?["outcomeUnknown"]?.GetValue<bool>(), $"the problem was {problem}");
            Assert.Contains("retry with the same key", problem!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        faulty.FailFind = null;
        using var replay = await buyer.PurchaseAsync(_sale, 1, "key-before-restart");
        Assert.Equal(HttpStatusCode.Created, replay.StatusCode);

        // A 503 that bought nothing carries no flag: a purchase while the write gate is closed (the same failure seen by
        // the commit loop would close it; the admission bound is simpler to reach).
        var admission = app.Services.GetRequiredService<FlashSale.Purchasing.PurchaseAdmission>();
        var held = new List<FlashSale.Purchasing.PurchaseAdmission.Ticket>();
        while (admission.TryEnter() is { } ticket)
        {
            held.Add(ticket);
        }

        using var shed = await buyer.PurchaseAsync(_sale, 1, "key-while-full");
        held.ForEach(t => t.Dispose());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, shed.StatusCode);
        Assert.Null((await shed.Content.ReadFromJsonAsync<JsonObject>())?["outcomeUnknown"]);
        Assert.Single(await (await Api.AsAdminAsync(app.CreateClient())).AllOrdersAsync(_sale));
    }

    [Fact]
    public async Task TheBuyForm_ReplayingAKeyWhoseOrderCannotBeReadNow_SaysItMayHaveGoneThrough()
    {
        await using var app = new TestApp(storage: _storage, services: FaultyOrderStore.Wrap<SqliteOrderStore>);
        var browser = Browser.Open(app);
        await browser.SignInAsync(_username, Password);
        app.Services.GetRequiredService<FaultyOrderStore>().FailFind = new SqliteException("database is locked (test)", 5);

        using var unreadable = await browser.SubmitAsync($"/sales/{_sale}", $"/sales/{_sale}/buy",
            new() { ["quantity"] = "1", ["key"] = "key-before-restart" });

        Assert.Equal(HttpStatusCode.Redirect, unreadable.StatusCode);
        var page = unreadable.Headers.Location?.OriginalString;
        Assert.EndsWith("?m=outcome_unknown", page, StringComparison.Ordinal);
        var html = await browser.Http.GetStringAsync(page);
        var flash = WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Match(html, "<div id=\"flash\"[^>]*>([^<]*)<").Groups[1].Value);
        Assert.Contains("it may have gone through", flash, StringComparison.Ordinal);
        Assert.DoesNotContain("nothing was bought", flash, StringComparison.Ordinal);
    }
}
