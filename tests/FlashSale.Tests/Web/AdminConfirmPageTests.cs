using System.Net;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Web;

/// <summary>
/// End and delete are confirmed first, as an order's cancel is: the dashboard links to a GET page showing the sale and
/// the form; the GET changes nothing, the form's post acts.
/// </summary>
public sealed class AdminConfirmPageTests() : AdminAppTest(new TestApp())
{
    [Theory]
    [InlineData("end", "End this sale now")]
    [InlineData("delete", "Delete this sale")]
    public async Task TheConfirmPage_ShowsTheSaleAndTheForm_AndChangesNothing(string action, string button)
    {
        var saleId = (await Admin.CreateSaleAsync(5, startsAt: DateTimeOffset.UtcNow.AddHours(1), endsAt: DateTimeOffset.UtcNow.AddHours(3))).Id();
        var name = (await Admin.GetJsonAsync($"/api/v1/sales/{saleId}"))["productName"]!.GetValue<string>();

        var page = await PageAsync($"/admin/sales/{saleId}/{action}");

        Assert.Contains(WebUtility.HtmlEncode(name), page, StringComparison.Ordinal);
        Assert.Contains($"<form method=\"post\" action=\"/admin/sales/{saleId}/{action}\"", page, StringComparison.Ordinal);
        Assert.Contains(button, page, StringComparison.Ordinal);
        Assert.Equal(2, page.Split("name=\"__af\"").Length - 1); // the action's form and sign-out
        Assert.Equal("upcoming", (await Admin.StockAsync(saleId))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task TheDashboardLinksToTheConfirmPages_AndHasNoActionForms()
    {
        var saleId = (await Admin.CreateSaleAsync(5, startsAt: DateTimeOffset.UtcNow.AddHours(1), endsAt: DateTimeOffset.UtcNow.AddHours(3))).Id();

        foreach (var path in new[] { "/admin", $"/admin/sales/{saleId}" })
        {
            var page = await PageAsync(path);
            Assert.Contains($"<a href=\"/admin/sales/{saleId}/end\">", page, StringComparison.Ordinal);
            Assert.Contains($"<a href=\"/admin/sales/{saleId}/delete\"", page, StringComparison.Ordinal);
            // End and delete only through their confirm pages; the sale page's one form adds units (AdminStockForm), which
            // an edit can take back and which a second post never repeats.
            Assert.DoesNotContain($"method=\"post\" action=\"/admin/sales/{saleId}/end\"", page, StringComparison.Ordinal);
            Assert.DoesNotContain($"method=\"post\" action=\"/admin/sales/{saleId}/delete\"", page, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AnActionTheApiWouldRefuse_HasNoForm()
    {
        var (saleId, _, _) = await Admin.SaleWithOrdersAsync(stock: 5, buyers: 1);
        using (var end = await Admin.SendAsync(HttpMethod.Post, $"/api/v1/admin/sales/{saleId}/end"))
        {
            await Api.EnsureAsync(end, HttpStatusCode.OK);
        }

        foreach (var action in new[] { "end", "delete" })
        {
            var page = await PageAsync($"/admin/sales/{saleId}/{action}");
            Assert.DoesNotContain($"action=\"/admin/sales/{saleId}/{action}\"", page, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AnUnknownSale_Is404()
    {
        using var response = await Admin.GetAsync($"/admin/sales/{Guid.NewGuid()}/end");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private async Task<string> PageAsync(string path)
    {
        using var response = await Admin.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }
}
