using System.Net;
using System.Net.Http.Json;
using FlashSale.Storage.Embedded;
using FlashSale.Storage.Postgres;
using FlashSale.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace FlashSale.Tests.Admin;

public sealed class LostUpdateAnswerOnEmbedded() : LostUpdateAnswerConformance(StorageKind.Embedded);

public sealed class LostUpdateAnswerOnRedis() : LostUpdateAnswerConformance(StorageKind.Redis);

/// <summary>
/// An edit whose record write committed but whose answer was lost, while the record could not be read back either:
/// the ledger keeps the sale shut (fail closed, 503 for the admin). The admin's retry then finds the record already
/// holding the values, and the next start reads the record: either must open the sale again on the record's terms.
/// Until 2026-12-06 the retry answered 200 "nothing changed" without touching the ledger, and a distributed start
/// rebuilt only missing state: the sale read "active" and refused every purchase as not started, for good.
/// </summary>
public abstract class LostUpdateAnswerConformance(StorageKind kind) : IAsyncLifetime
{
    private readonly TestStorage _storage = TestStorage.Create(kind);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _storage.DisposeAsync();

    [Fact]
    public async Task TheAdminsRetry_OpensTheSaleAgain()
    {
        await using var app = App();
        var admin = await Api.AsAdminAsync(app.CreateClient());
        var (sale, buyer) = await EditWithItsAnswerLostAsync(app, admin);

        using (var retried = await admin.SendAsync(HttpMethod.Patch, $"/api/v1/admin/sales/{sale}", NewDescription()))
        {
            Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
            Assert.Equal("active", (await retried.ReadJsonAsync())["status"]!.GetValue<string>());
        }

        using var bought = await buyer.PurchaseAsync(sale);
        Assert.Equal(HttpStatusCode.Created, bought.StatusCode);
    }

    [Fact]
    public async Task TheNextStart_OpensTheSaleAgain()
    {
        string sale;
        await using (var first = App())
        {
            var admin = await Api.AsAdminAsync(first.CreateClient());
            (sale, _) = await EditWithItsAnswerLostAsync(first, admin);
        }

        await using var restarted = new TestApp(storage: _storage);
        restarted.StartServer();
        var again = await Api.AsAdminAsync(restarted.CreateClient());
        var buyer = again.WithToken((await again.MintBuyersAsync(1))[0].Token);
        using var bought = await buyer.PurchaseAsync(sale);
        Assert.Equal(HttpStatusCode.Created, bought.StatusCode);
        Assert.Equal("new words", (await again.GetJsonAsync($"/api/v1/sales/{sale}"))["description"]!.GetValue<string>());
    }

    private TestApp App()
    {
        var app = new TestApp(storage: _storage, services: _storage.IsDistributed
            ? FaultySaleStore.Wrap<PostgresSaleStore>
            : FaultySaleStore.Wrap<SqliteSaleStore>);
        app.StartServer();
        return app;
    }

    /// <summary>An active sale's description edited: committed, its answer lost, the record unreadable after it.</summary>
    private async Task<(string Sale, Api Buyer)> EditWithItsAnswerLostAsync(TestApp app, Api admin)
    {
        var store = app.Services.GetRequiredService<FaultySaleStore>();
        var sale = (await admin.CreateSaleAsync(stock: 100, perUserLimit: 10)).Id();
        var buyer = admin.WithToken((await admin.MintBuyersAsync(1))[0].Token);
        Exception failure = _storage.IsDistributed ? new TimeoutException("answer lost") : new SqliteException("disk I/O error", 10);
        store.AfterUpdate = () =>
        {
            store.FailFindLatest = failure;
            return Task.FromException(failure);
        };

        using (var failed = await admin.SendAsync(HttpMethod.Patch, $"/api/v1/admin/sales/{sale}", NewDescription()))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        }

        store.AfterUpdate = null;
        store.FailFindLatest = null;

        // Whether the record took the edit is unknown: shut, never sold on terms the record may no longer have.
        using (var meanwhile = await buyer.PurchaseAsync(sale))
        {
            // A moment to wait, not a start (sale_not_started, with the sale's end as its start, until 2026-12-07).
            Assert.Equal(HttpStatusCode.ServiceUnavailable, meanwhile.StatusCode);
            Assert.Equal("unavailable", await Api.ReasonAsync(meanwhile));
            Assert.NotNull(meanwhile.Headers.RetryAfter);
        }

        return (sale, buyer);
    }

    private static JsonContent NewDescription() => JsonContent.Create(new { description = "new words" });
}
