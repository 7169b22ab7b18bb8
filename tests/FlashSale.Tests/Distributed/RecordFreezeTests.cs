using System.Diagnostics;
using System.Net;
using FlashSale.Storage.Postgres;
using FlashSale.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace FlashSale.Tests.Distributed;

/// <summary>
/// A frozen PostgreSQL (SIGSTOP: the kernel accepts connections, nobody answers) behind a stalling proxy, reached with the
/// connection string's default connect <c>Timeout</c> of 15 s, as deployed (<see cref="RecordBehindProxy"/> sets 2 s, which
/// hid this). Npgsql answers a timed-out command by sending a cancel request on a new connection first, which such a server
/// holds for twice that <c>Timeout</c>: reads took 2 + 30 s and a login 15 s before 503, and the sale-change listener noticed
/// after 32 s. Every request's work and the listener's ping now end within their own bound.
/// </summary>
public sealed class RecordFreezeTests : IAsyncLifetime
{
    private TestStorage _storage = null!;
    private TcpProxy _proxy = null!;
    private TestApp _app = null!;

    public Task InitializeAsync()
    {
        _storage = TestStorage.Create(StorageKind.Redis);
        var target = new NpgsqlConnectionStringBuilder(_storage.PostgresConnectionString);
        _proxy = new TcpProxy(target.Host!, target.Port);
        var viaProxy = new NpgsqlConnectionStringBuilder(_storage.PostgresConnectionString) { Port = _proxy.Port, Timeout = 15 };
        _app = new TestApp(storage: _storage, settings: new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = viaProxy.ConnectionString,
            ["Distributed:RequestCommandTimeout"] = "00:00:02",
        });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _proxy.Resume();
        await _app.DisposeAsync();
        await _proxy.DisposeAsync();
        await _storage.DisposeAsync();
    }

    [Fact]
    public async Task ReadsAndALogin_OnAFrozenRecord_Answer503WithinTheRequestTimeout_AndTheListenerNoticesWithinItsPing()
    {
        var admin = await Api.AsAdminAsync(_app.CreateClient());
        var buyer = admin.WithToken((await admin.MintBuyersAsync(1))[0].Token);
        var listener = _app.Services.GetRequiredService<SaleChangeListener>();
        await SceneSteps.UntilAsync(() => Task.FromResult(listener.Listening), 15);

        // Connections idle in the pool, as on a busy instance: reads meet the freeze on connections already open.
        var pool = _app.Services.GetRequiredService<NpgsqlDataSource>();
        foreach (var open in await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => pool.OpenConnectionAsync().AsTask())))
        {
            await open.DisposeAsync();
        }

        using (var before = await buyer.GetAsync("/api/v1/me/orders"))
        {
            await Api.EnsureAsync(before, HttpStatusCode.OK);
        }

        _proxy.Stall();
        var frozen = Stopwatch.StartNew();
        var deaf = Task.Run(async () =>
        {
            while (listener.Listening && frozen.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(50);
            }

            return frozen.Elapsed;
        });

        // At once, before the persister's ping marks the record down (~2 s): each meets the freeze.
        var answers = await Task.WhenAll(
            TimedAsync("GET /api/v1/me/orders", () => buyer.GetAsync("/api/v1/me/orders")),
            TimedAsync("GET /api/v1/admin/stats", () => admin.GetAsync("/api/v1/admin/stats")),
            TimedAsync("POST /api/v1/auth/token", () => admin.Anonymous().PostAsJsonAsync("/api/v1/auth/token",
                new { username = "admin", password = TestApp.AdminPassword })));

        foreach (var (what, status, retryAfter, took) in answers)
        {
            Assert.True(status == HttpStatusCode.ServiceUnavailable, $"{what} answered {(int)status} on a frozen record");
            Assert.True(retryAfter, $"{what}: 503 without Retry-After");
            // The bound is 2 s; before the fix 32 s (a read) and 15 s (the login).
            Assert.True(took < TimeSpan.FromSeconds(8), $"{what} took {took.TotalSeconds:F1} s on a frozen record (RequestCommandTimeout 2 s)");
        }

        // PingAfter (1 s) + the ping's 2 s, and a margin; 32 s before the fix.
        var noticed = await deaf;
        Assert.True(noticed < TimeSpan.FromSeconds(8), $"the sale-change listener stopped serving remembered sales after {noticed.TotalSeconds:F1} s");
    }

    private static async Task<(string What, HttpStatusCode Status, bool RetryAfter, TimeSpan Took)> TimedAsync(
        string what, Func<Task<HttpResponseMessage>> send)
    {
        var clock = Stopwatch.StartNew();
        using var response = await send();
        return (what, response.StatusCode, response.Headers.RetryAfter is not null, clock.Elapsed);
    }
}
