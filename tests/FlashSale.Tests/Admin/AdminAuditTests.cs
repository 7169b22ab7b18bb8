using System.Net;
using FlashSale.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FlashSale.Tests.Admin;

/// <summary>
/// The admins' audit trail (Admin/AdminAudit.cs): every admin write is logged with who made it and its answer (event
/// 8001), and a sale's changes with their fields before and after (8002). Until 2026-12-07 nothing said who changed a
/// price or ended a sale.
/// </summary>
public sealed class AdminAuditTests : IAsyncLifetime
{
    private readonly ErrorLog _log = new(LogLevel.Information, 8001, 8002);
    private TestApp _app = null!;

    public Task InitializeAsync()
    {
        _app = new TestApp(services: s => s.AddSingleton<ILoggerProvider>(_log));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task AnAdminsSaleChanges_AreLoggedWithWhoAndWhat()
    {
        var admin = await Api.AsAdminAsync(_app.CreateClient());
        var now = DateTimeOffset.UtcNow;
        var sale = (await admin.CreateSaleAsync(stock: 20, startsAt: now.AddHours(1), endsAt: now.AddHours(2), price: 549m)).Id();
        using (var patch = await admin.SendAsync(HttpMethod.Patch, $"/api/v1/admin/sales/{sale}",
            new StringContent("""{"price": 600, "totalStock": 25}""", System.Text.Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        }

        using (var refused = await admin.SendAsync(HttpMethod.Patch, $"/api/v1/admin/sales/{sale}",
            new StringContent("""{"totalStock": -1}""", System.Text.Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        }

        await Api.EnsureAsync(await admin.PostEmptyAsync($"/api/v1/admin/sales/{sale}/end"), HttpStatusCode.OK);

        // The write's line is written once the answer is sent.
        await SceneSteps.UntilAsync(() => Task.FromResult(_log.Entries.Count(e => e.StartsWith("Information 8001", StringComparison.Ordinal)) >= 4), withinSeconds: 10);
        var lines = _log.Entries.ToList();
        Assert.Contains(lines, l => l.Contains($"8002 Sale {sale} created: sku TEST-", StringComparison.Ordinal) && l.Contains("price 549.00 USD", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains($"8002 Sale {sale} changed: price 549.00 USD → 600.00 USD; totalStock 20 → 25", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains($"8002 Sale {sale} ended early: startsAt ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains($"8001 Admin admin: PATCH /api/v1/admin/sales/{sale} answered 200", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains($"8001 Admin admin: PATCH /api/v1/admin/sales/{sale} answered 400", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains($"8001 Admin admin: POST /api/v1/admin/sales/{sale}/end answered 200", StringComparison.Ordinal));
        // Reads are not writes: a read, then a write whose line, once there, comes after the read's would have.
        using (await admin.GetAsync($"/api/v1/admin/sales/{sale}"))
        {
        }

        await admin.MintBuyersAsync(1);
        await SceneSteps.UntilAsync(() => Task.FromResult(_log.Entries.Any(l =>
            l.Contains("8001 Admin admin: POST /api/v1/admin/tokens answered 200", StringComparison.Ordinal))), withinSeconds: 10);
        Assert.DoesNotContain(_log.Entries, l => l.Contains("8001 Admin admin: GET", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheDashboardsFormWrites_AreLoggedWithWho()
    {
        var admin = await Api.AsAdminAsync(_app.CreateClient());
        var sale = (await admin.CreateSaleAsync(stock: 5)).Id();
        var browser = Browser.Open(_app);
        await browser.SignInAsync("admin", TestApp.AdminPassword);

        using var end = await browser.SubmitAsync($"/admin/sales/{sale}/end", $"/admin/sales/{sale}/end", []);

        Assert.Equal(HttpStatusCode.Redirect, end.StatusCode);
        await SceneSteps.UntilAsync(() => Task.FromResult(_log.Entries.Any(l =>
            l.Contains($"8001 Admin admin: POST /admin/sales/{sale}/end answered 302", StringComparison.Ordinal))), withinSeconds: 10);
        Assert.Contains(_log.Entries, l => l.Contains($"8002 Sale {sale} ended early: endsAt ", StringComparison.Ordinal));
    }
}
