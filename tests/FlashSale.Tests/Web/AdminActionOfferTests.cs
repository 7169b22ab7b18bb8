using System.Net;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Web;

/// <summary>
/// The dashboard offers end and delete exactly when the admin API allows them: delete only without any order (cancelled
/// ones too), end until the sale has ended (a sold-out sale too).
/// </summary>
public sealed class AdminActionOfferTests() : AdminAppTest(new TestApp())
{
    [Fact]
    public async Task ASaleWhoseOnlyOrderIsCancelled_OffersNoDelete()
    {
        var (saleId, _, orderIds) = await Admin.SaleWithOrdersAsync(stock: 5, buyers: 1);
        using (var cancel = await Admin.SendAsync(HttpMethod.Post, $"/api/v1/admin/orders/{orderIds[0]}/cancel"))
        {
            await Api.EnsureAsync(cancel, HttpStatusCode.OK);
        }

        foreach (var path in new[] { "/admin", $"/admin/sales/{saleId}" })
        {
            var page = await PageAsync(path);
            Assert.DoesNotContain($"/admin/sales/{saleId}/delete", page, StringComparison.Ordinal);
            Assert.Contains($"/admin/sales/{saleId}/end", page, StringComparison.Ordinal);
        }

        // As the API would answer the delete the page no longer offers.
        using var refused = await Admin.SendAsync(HttpMethod.Delete, $"/api/v1/admin/sales/{saleId}");
        Assert.Equal("sale_has_orders", await Api.ReasonAsync(refused));
    }

    [Fact]
    public async Task ASoldOutSale_OffersEnd()
    {
        var (saleId, _, _) = await Admin.SaleWithOrdersAsync(stock: 1, buyers: 1);
        Assert.Equal("sold_out", (await Admin.StockAsync(saleId))["status"]!.GetValue<string>());

        foreach (var path in new[] { "/admin", $"/admin/sales/{saleId}" })
        {
            var page = await PageAsync(path);
            Assert.Contains($"/admin/sales/{saleId}/end", page, StringComparison.Ordinal);
            Assert.DoesNotContain($"/admin/sales/{saleId}/delete", page, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ASaleWithoutOrders_OffersDelete()
    {
        var saleId = (await Admin.CreateSaleAsync(5, startsAt: DateTimeOffset.UtcNow.AddHours(1), endsAt: DateTimeOffset.UtcNow.AddHours(3))).Id();

        foreach (var path in new[] { "/admin", $"/admin/sales/{saleId}" })
        {
            Assert.Contains($"/admin/sales/{saleId}/delete", await PageAsync(path), StringComparison.Ordinal);
        }
    }

    private async Task<string> PageAsync(string path)
    {
        using var response = await Admin.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }
}
