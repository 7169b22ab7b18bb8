using System.Net;
using System.Text.Json.Nodes;
using FlashSale.Storage.Embedded;
using FlashSale.Storage.Postgres;
using FlashSale.Storage.Redis;
using FlashSale.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace FlashSale.Tests.Admin;

public sealed class TermsDriftOnEmbedded() : TermsDriftConformance(StorageKind.Embedded);

/// <summary>Redis's meta changed behind the server's back, as a change whose instance was killed between its steps leaves it.</summary>
public sealed class TermsDriftOnRedis() : TermsDriftConformance(StorageKind.Redis)
{
    /// <summary>A change before the first order whose instance died after the record's write: the sale held shut for good.</summary>
    [Fact]
    public async Task ASaleLeftShut_IsReportedByTheCheck_AndOpenedByTheRepair()
    {
        await using var app = App(checkInterval: "00:00:00");
        var admin = await Api.AsAdminAsync(app.CreateClient());
        var (sale, buyer) = await SaleAsync(admin);
        var id = Guid.Parse(sale);
        await PokeAsync(app, id, async db => await db.HashSetAsync(RedisKeys.Meta(id), "starts", await db.HashGetAsync(RedisKeys.Meta(id), "ends")));

        using (var shut = await buyer.PurchaseAsync(sale))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, shut.StatusCode);
        }

        var check = await admin.ReconcileLineAsync(sale);
        Assert.True(check["termsDiffer"]!.GetValue<bool>());
        Assert.StartsWith("startsAt ", check["termsDifference"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.False(check["termsRepaired"]!.GetValue<bool>());

        var repaired = await RepairAsync(admin, sale);
        Assert.True(repaired["termsRepaired"]!.GetValue<bool>());

        using var bought = await buyer.PurchaseAsync(sale);
        Assert.Equal(HttpStatusCode.Created, bought.StatusCode);
        Assert.False((await admin.ReconcileLineAsync(sale))["termsDiffer"]!.GetValue<bool>());
    }

    /// <summary>
    /// A started sale's raise whose instance died before its last step: the record says 100, Redis 3 (2 sold), and every
    /// view showed sold + remaining ≠ total. The periodic check gives Redis the record's stock by itself.
    /// </summary>
    [Fact]
    public async Task ARaiseRedisNeverTook_IsGivenTheRecordsStock_ByThePeriodicCheck()
    {
        await using var app = App(checkInterval: "00:00:00.200");
        var admin = await Api.AsAdminAsync(app.CreateClient());
        var (sale, buyer) = await SaleAsync(admin);
        await buyer.BoughtAsync(sale);
        await buyer.BoughtAsync(sale);
        var id = Guid.Parse(sale);
        await PokeAsync(app, id, async db =>
        {
            await db.HashSetAsync(RedisKeys.Meta(id), "total", 3);
            await db.StringSetAsync(RedisKeys.Stock(id), 1);
        });

        await HealedAsync(admin, sale);

        var stock = await admin.StockAsync(sale);
        Assert.Equal((100, 98, 2), (stock.Int("totalStock"), stock.Int("remainingStock"), stock.Int("sold")));
        using var bought = await buyer.PurchaseAsync(sale);
        Assert.Equal(HttpStatusCode.Created, bought.StatusCode);
    }

    private static async Task PokeAsync(TestApp app, Guid saleId, Func<StackExchange.Redis.IDatabase, Task> poke)
    {
        await using var redis = await RedisState.ConnectAsync(app.Storage);
        // The sale's state is built at its creation; the poke changes it as a killed change would have left it.
        Assert.True(await redis.GetDatabase().KeyExistsAsync(RedisKeys.Meta(saleId)));
        await poke(redis.GetDatabase());
    }
}

/// <summary>
/// A sale's terms in the ledger apart from the record's, with no admin change under way: reconciliation reports them
/// (<c>termsDiffer</c>), its repair gives the ledger the record's terms, and so does each instance's periodic check by
/// itself, under the admins' lock. Until 2026-12-07 reconciliation compared sold units only: an "End now" whose write
/// failed and whose read-back failed too left the ledger ended (every buyer 409 <c>sale_ended</c>) under a sale every
/// view called active, until the admin's retry or a restart, and nobody was told.
/// </summary>
public abstract class TermsDriftConformance(StorageKind kind)
{
    [Fact]
    public async Task AnEndLeftInTheLedgerOnly_IsReportedByTheCheck_AndUndoneByTheRepair()
    {
        await using var app = App(checkInterval: "00:00:00");
        var admin = await Api.AsAdminAsync(app.CreateClient());
        var (sale, buyer) = await SaleAsync(admin);
        await EndWhoseWriteAndReadBackFailAsync(app, admin, buyer, sale);

        var check = await admin.ReconcileLineAsync(sale);
        Assert.True(check["termsDiffer"]!.GetValue<bool>());
        Assert.StartsWith("endsAt ", check["termsDifference"]!.GetValue<string>(), StringComparison.Ordinal);
        using (var still = await buyer.PurchaseAsync(sale))
        {
            Assert.Equal("sale_ended", await Api.ReasonAsync(still));
        }

        // The dashboard's ledger check names it too, and offers the repair.
        var page = await (await Browser.AdminAsync(app)).Http.GetStringAsync("/admin/ledger");
        Assert.Contains("1 sale’s ledger holds other terms than the order record.", page, StringComparison.Ordinal);
        Assert.Contains("/admin/ledger/repair", page, StringComparison.Ordinal);

        var repaired = await RepairAsync(admin, sale);
        Assert.True(repaired["termsRepaired"]!.GetValue<bool>());
        Assert.Equal(0, repaired.Int("drift"));

        using var bought = await buyer.PurchaseAsync(sale);
        Assert.Equal(HttpStatusCode.Created, bought.StatusCode);
    }

    [Fact]
    public async Task AnEndLeftInTheLedgerOnly_IsUndoneByThePeriodicCheck_OnceTheRecordCanBeRead()
    {
        await using var app = App(checkInterval: "00:00:00.200");
        var admin = await Api.AsAdminAsync(app.CreateClient());
        var (sale, buyer) = await SaleAsync(admin);
        await EndWhoseWriteAndReadBackFailAsync(app, admin, buyer, sale);

        await HealedAsync(admin, sale);

        using var bought = await buyer.PurchaseAsync(sale);
        Assert.Equal(HttpStatusCode.Created, bought.StatusCode);
        Assert.Equal("active", (await admin.GetJsonAsync($"/api/v1/sales/{sale}"))["status"]!.GetValue<string>());
    }

    protected TestApp App(string checkInterval)
    {
        var app = new TestApp(kind: kind,
            settings: new Dictionary<string, string?> { ["Reconciliation:CheckInterval"] = checkInterval },
            services: kind == StorageKind.Embedded ? FaultySaleStore.Wrap<SqliteSaleStore> : FaultySaleStore.Wrap<PostgresSaleStore>);
        app.StartServer();
        return app;
    }

    protected static async Task<(string Sale, Api Buyer)> SaleAsync(Api admin)
    {
        var sale = (await admin.CreateSaleAsync(stock: 100, perUserLimit: 10)).Id();
        return (sale, admin.WithToken((await admin.MintBuyersAsync(1))[0].Token));
    }

    /// <summary>POST reconcile's line for the sale.</summary>
    protected static async Task<JsonNode> RepairAsync(Api admin, string sale)
    {
        using var response = await admin.PostEmptyAsync("/api/v1/admin/reconcile");
        await Api.EnsureAsync(response, HttpStatusCode.OK);
        return (await response.ReadJsonAsync())["items"]!.AsArray().Single(i => i!["saleId"]!.GetValue<string>() == sale)!;
    }

    /// <summary>
    /// Until the check (GET, which changes nothing) finds the ledger's terms the record's again: the periodic check runs
    /// every 200 ms on its own timer, so 20 s is plenty; without it they never are.
    /// </summary>
    protected static async Task HealedAsync(Api admin, string sale)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while ((await admin.ReconcileLineAsync(sale))["termsDiffer"]!.GetValue<bool>() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.False((await admin.ReconcileLineAsync(sale))["termsDiffer"]!.GetValue<bool>());
    }

    /// <summary>"End now": the ledger ends the sale, the record's write fails before it is made, and so does the read-back.</summary>
    private async Task EndWhoseWriteAndReadBackFailAsync(TestApp app, Api admin, Api buyer, string sale)
    {
        var store = app.Services.GetRequiredService<FaultySaleStore>();
        Exception failure = kind == StorageKind.Embedded ? new SqliteException("disk I/O error", 10) : new TimeoutException("injected");
        store.FailTheEndAndItsReadBack(failure);

        using (var failed = await admin.PostEmptyAsync($"/api/v1/admin/sales/{sale}/end"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        }

        // The record cannot be read, so the ledger keeps the end (fail closed) and no check can heal it yet.
        using (var meanwhile = await buyer.PurchaseAsync(sale))
        {
            Assert.Equal("sale_ended", await Api.ReasonAsync(meanwhile));
        }

        store.Heal();
        Assert.Equal("active", (await admin.GetJsonAsync($"/api/v1/sales/{sale}"))["status"]!.GetValue<string>());
    }
}
