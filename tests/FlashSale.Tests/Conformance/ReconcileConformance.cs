using System.Net;
using System.Diagnostics.Metrics;
using FlashSale.Operations;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FlashSale.Tests.Conformance;

public sealed class ReconcileOnEmbedded() : ReconcileConformance(StorageKind.Embedded);

public sealed class ReconcileOnRedis() : ReconcileConformance(StorageKind.Redis);

public sealed class ReconcileOnRedisCluster() : ReconcileConformance(StorageKind.RedisCluster);

/// <summary>G4: reconciliation finds drift between the ledger and the order records and repairs the ledger.</summary>
public abstract class ReconcileConformance(StorageKind kind) : AdminAppTest(new TestApp(kind: kind))
{
    [Fact]
    public async Task NoDrift_ReportsEverySaleClean()
    {
        var (saleId, _, _) = await Admin.SaleWithOrdersAsync(stock: 5, buyers: 3);

        var report = await (await Admin.PostEmptyAsync("/api/v1/admin/reconcile")).ReadJsonAsync();

        Assert.Equal(0, report.Int("drifted"));
        var line = Assert.Single(report["items"]!.AsArray());
        Assert.Equal(saleId, line!["saleId"]!.GetValue<string>());
        Assert.Equal(3, line.Int("recordSold"));
        Assert.Equal(3, line.Int("ledgerSold"));
        Assert.False(line["repaired"]!.GetValue<bool>());
    }

    [Fact]
    public async Task OrderDeletedAndOrderInsertedByHand_AreFoundAndRepairedFromTheRecord()
    {
        var (drained, _, drainedOrders) = await Admin.SaleWithOrdersAsync(stock: 5, buyers: 3);
        var (padded, _, _) = await Admin.SaleWithOrdersAsync(stock: 5, buyers: 1);
        var (clean, _, _) = await Admin.SaleWithOrdersAsync(stock: 5, buyers: 2);
        var lost = drainedOrders[0];

        // Drift by hand: one order row vanishes from a sale, two appear in another.
        App.DeleteOrderByHand(lost);
        App.InsertOrdersByHand(padded, "hand-1", "hand-2");

        using var response = await Admin.PostEmptyAsync("/api/v1/admin/reconcile");

        await Api.EnsureAsync(response, HttpStatusCode.OK);
        var report = await response.ReadJsonAsync();
        Assert.Equal(2, report.Int("drifted"));
        Assert.Equal(2, report.Int("repaired"));
        var lines = report["items"]!.AsArray().ToDictionary(l => l!["saleId"]!.GetValue<string>(), l => l!);
        Assert.Equal((2, 3, 1, true), Line(lines[drained]));
        Assert.Equal((3, 1, -2, true), Line(lines[padded]));
        Assert.Equal((2, 2, 0, false), Line(lines[clean]));

        // The ledger now answers from the record: stock, and the limit of the user whose order vanished.
        Assert.Equal(3, (await Admin.StockAsync(drained)).Int("remainingStock"));
        Assert.Equal(2, (await Admin.StockAsync(padded)).Int("remainingStock"));
        var again = await (await Admin.PostEmptyAsync("/api/v1/admin/reconcile")).ReadJsonAsync();
        Assert.Equal(0, again.Int("drifted"));
        var stats = await Admin.GetJsonAsync("/api/v1/admin/stats");
        Assert.Equal(2 + 3 + 2, stats["totals"]!["units"]!.GetValue<long>());   // the aggregates follow the record too
    }

    [Fact]
    public async Task AfterRepair_TheBuyerWhoseOrderVanished_MayBuyAgain()
    {
        var (saleId, buyers, orderIds) = await Admin.SaleWithOrdersAsync(stock: 5, buyers: 1);
        App.DeleteOrderByHand(orderIds[0]);
        var buyer = Admin.WithToken(buyers[0].Token);
        using (var refused = await buyer.PurchaseAsync(saleId))
        {
            Assert.Equal("limit_reached", await Api.ReasonAsync(refused));
        }

        using var reconcile = await Admin.PostEmptyAsync("/api/v1/admin/reconcile");
        using var bought = await buyer.PurchaseAsync(saleId);

        Assert.Equal(HttpStatusCode.OK, reconcile.StatusCode);
        Assert.Equal(HttpStatusCode.Created, bought.StatusCode);
        var stock = await Admin.StockAsync(saleId);
        Assert.Equal(5, stock.Int("sold") + stock.Int("remainingStock"));
        Assert.Equal(1, stock.Int("sold"));
    }

    /// <summary>
    /// G1 broken in the record itself (rows inserted by hand past the stock): reported, and the ledger left as it is, since
    /// rebuilding from the record would leave the stock below zero.
    /// </summary>
    [Fact]
    public async Task ARecordOverTheStock_IsReported_AndNotRebuiltFrom()
    {
        var (sale, _, _) = await Admin.SaleWithOrdersAsync(stock: 3, buyers: 3);
        App.InsertOrdersByHand(sale, "hand-1");

        var check = await Admin.GetJsonAsync("/api/v1/admin/reconcile");
        var report = await (await Admin.PostEmptyAsync("/api/v1/admin/reconcile")).ReadJsonAsync();

        foreach (var line in new[] { check, report }.Select(r => r["items"]!.AsArray().Single()!))
        {
            Assert.Equal((4, 3, -1, false), Line(line));
            Assert.True(line["recordOverStock"]!.GetValue<bool>());
        }

        var stock = await Admin.StockAsync(sale);
        Assert.Equal((3, 0), (stock.Int("sold"), stock.Int("remainingStock")));
    }

    /// <summary>
    /// The check (<c>GET /api/v1/admin/reconcile</c>): the same comparison as the repair's, nothing repaired, the drift
    /// still there at the next check and on <c>/metrics</c> until a repair.
    /// </summary>
    [Fact]
    public async Task TheCheck_FindsTheDrift_RepairsNothing_AndTheGaugesShowIt_UntilTheRepair()
    {
        var (drained, _, drainedOrders) = await Admin.SaleWithOrdersAsync(stock: 5, buyers: 3);
        var (clean, _, _) = await Admin.SaleWithOrdersAsync(stock: 5, buyers: 2);
        App.DeleteOrderByHand(drainedOrders[0]);

        foreach (var _ in new[] { "first check", "second check" })
        {
            var report = await Admin.GetJsonAsync("/api/v1/admin/reconcile");
            Assert.Equal((1, 0), (report.Int("drifted"), report.Int("repaired")));
            var lines = report["items"]!.AsArray().ToDictionary(l => l!["saleId"]!.GetValue<string>(), l => l!);
            Assert.Equal((2, 3, 1, false), Line(lines[drained]));
            Assert.Equal((2, 2, 0, false), Line(lines[clean]));
            // The ledger still counts the vanished order's unit: nothing was repaired.
            Assert.Equal(2, (await Admin.StockAsync(drained)).Int("remainingStock"));
            Assert.Equal(1, Gauge(App, "flashsale.ledger.drifted_sales"));
            Assert.Equal(1, Gauge(App, "flashsale.ledger.drift_units"));
        }

        var repaired = await (await Admin.PostEmptyAsync("/api/v1/admin/reconcile")).ReadJsonAsync();
        Assert.Equal(1, repaired.Int("repaired"));
        Assert.Equal(0, Gauge(App, "flashsale.ledger.drifted_sales"));
        Assert.Equal(0, (await Admin.GetJsonAsync("/api/v1/admin/reconcile")).Int("drifted"));
    }

    /// <summary>
    /// A gauge of this server's own meter, read as <c>/metrics</c> reads it (the instrument's callback). Not from the
    /// <c>/metrics</c> text: OpenTelemetry listens to meters by name in the whole process, so beside the other test servers
    /// of this process an instrument name is exported for whichever server registered it first.
    /// </summary>
    internal static long? Gauge(TestApp app, string instrument) => (long?)GaugeValue(app, instrument);

    /// <summary>As <see cref="Gauge"/>, for a gauge of fractions too; null when the callback measured nothing.</summary>
    internal static double? GaugeValue(TestApp app, string instrument)
    {
        var factory = app.Services.GetRequiredService<IMeterFactory>();
        _ = app.Services.GetRequiredService<FlashSaleMetrics>();
        double? value = null;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (published, l) =>
        {
            if (published.Meter.Scope == factory && published.Name == instrument)
            {
                l.EnableMeasurementEvents(published);
            }
        };
        listener.SetMeasurementEventCallback<int>((_, measured, _, _) => value = measured);
        listener.SetMeasurementEventCallback<long>((_, measured, _, _) => value = measured);
        listener.SetMeasurementEventCallback<double>((_, measured, _, _) => value = measured);
        listener.Start();
        listener.RecordObservableInstruments();
        return value;
    }

    private static (int RecordSold, int LedgerSold, int Drift, bool Repaired) Line(System.Text.Json.Nodes.JsonNode line) =>
        (line.Int("recordSold"), line.Int("ledgerSold"), line.Int("drift"), line["repaired"]!.GetValue<bool>());
}
