using System.Net;
using FlashSale.Tests.Infrastructure;
using FlashSale.Tests.Live;
using Microsoft.Extensions.DependencyInjection;

namespace FlashSale.Tests.Admin;

public sealed class StartedSaleProductChangeOnEmbedded() : StartedSaleProductChangeTests(StorageKind.Embedded);

public sealed class StartedSaleProductChangeOnRedis() : StartedSaleProductChangeTests(StorageKind.Redis);

/// <summary>
/// A started sale's product changed with its stock or end (before the first order) is one write, held shut in the ledger:
/// taken whole or not at all. Until 2026-12-07 it was two steps, the product on the sale's old terms and then the stock
/// and end, and a second step refused (a purchase in between, the end passing) left the product changed under a 409 that
/// said nothing was saved. The ledger's hook runs once the sale is shut, before the record's write.
/// </summary>
public abstract class StartedSaleProductChangeTests : AdminAppTest
{
    private readonly ManualClock _clock;

    protected StartedSaleProductChangeTests(StorageKind kind) : this(kind, ManualClock.OnAWholeMillisecond())
    {
    }

    private StartedSaleProductChangeTests(StorageKind kind, ManualClock clock)
        : base(new TestApp(kind: kind, clock: clock, services: CountingLedger.Wrap)) => _clock = clock;

    private CountingLedger Ledger => App.Services.GetRequiredService<CountingLedger>();

    [Fact]
    public async Task ASaleThatEndsWhileTheChangeIsHeldShut_KeepsItsProductAndTerms_AndStaysEnded()
    {
        var endsAt = _clock.GetUtcNow().AddMinutes(1);
        var sale = (await Admin.CreateSaleAsync(stock: 5, startsAt: _clock.GetUtcNow().AddMinutes(-1), endsAt: endsAt,
            productName: "Kettle")).Id();
        var buyer = (await Admin.MintBuyersAsync(1))[0];
        Ledger.AfterSaleChanged = shut =>
        {
            if (shut.StartsAt == shut.EndsAt)
            {
                Ledger.AfterSaleChanged = null;
                _clock.Advance(TimeSpan.FromMinutes(2));
            }

            return Task.CompletedTask;
        };

        var later = endsAt.AddHours(2);
        await Api.ExpectProblemAsync(Admin.PatchJsonAsync($"/api/v1/admin/sales/{sale}",
            $$"""{"productName":"Renamed","totalStock":8,"endsAt":"{{later:O}}"}"""), HttpStatusCode.Conflict, "sale_ended");

        var kept = await Admin.GetJsonAsync($"/api/v1/admin/sales/{sale}");
        Assert.Equal(("Kettle", 5, endsAt, "ended"), (kept["productName"]!.GetValue<string>(), kept.Int("totalStock"),
            kept["endsAt"]!.GetValue<DateTimeOffset>(), kept["status"]!.GetValue<string>()));
        await Api.ExpectProblemAsync(Admin.WithToken(buyer.Token).PurchaseAsync(sale), HttpStatusCode.Conflict, "sale_ended");
    }

    [Fact]
    public async Task WhileTheRecordWrites_ABuyerIsToldTheSaleIsBeingChanged_AndTheChangeIsTakenWhole()
    {
        var sale = (await Admin.CreateSaleAsync(stock: 5, startsAt: _clock.GetUtcNow().AddMinutes(-1),
            endsAt: _clock.GetUtcNow().AddHours(1), productName: "Kettle")).Id();
        var buyers = await Admin.MintBuyersAsync(2);
        HttpStatusCode? meanwhile = null;
        Ledger.AfterSaleChanged = async shut =>
        {
            if (shut.StartsAt == shut.EndsAt)
            {
                Ledger.AfterSaleChanged = null;
                using var refused = await Admin.WithToken(buyers[0].Token).PurchaseAsync(sale);
                meanwhile = refused.StatusCode;
            }
        };

        using (var changed = await Admin.PatchJsonAsync($"/api/v1/admin/sales/{sale}", """{"productName":"Renamed","totalStock":1}"""))
        {
            await Api.EnsureAsync(changed, HttpStatusCode.OK);
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, meanwhile);
        var taken = await Admin.GetJsonAsync($"/api/v1/admin/sales/{sale}");
        Assert.Equal(("Renamed", 1), (taken["productName"]!.GetValue<string>(), taken.Int("totalStock")));
        await Admin.WithToken(buyers[0].Token).BoughtAsync(sale);
        await Api.ExpectProblemAsync(Admin.WithToken(buyers[1].Token).PurchaseAsync(sale), HttpStatusCode.Conflict, "sold_out");
        var check = await Admin.ReconcileLineAsync(sale);
        Assert.Equal((1, 1, 1, 0), (check.Int("totalStock"), check.Int("recordSold"), check.Int("ledgerSold"), check.Int("drift")));
    }
}
