using System.Net;
using System.Text.Json.Nodes;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Admin;

/// <summary>
/// A sale's orders are paged by a cursor the API hands out (an order's position, a non-negative 64-bit number). Digits
/// beyond that range are no cursor it handed out: refused, not read as "no cursor" and answered with the first page.
/// </summary>
public sealed class AdminOrdersCursorTests() : AdminAppTest(new TestApp())
{
    [Theory]
    [InlineData("99999999999999999999")] // 20 digits
    [InlineData("9223372036854775808")] // long.MaxValue + 1
    [InlineData("")]
    [InlineData("-1")]
    [InlineData("+1")]
    [InlineData(" 1")]
    public async Task ACursorThatIsNotAPosition_IsRefused(string cursor)
    {
        var (saleId, _, _) = await Admin.SaleWithOrdersAsync(stock: 3, buyers: 3);

        using var response = await Admin.GetAsync($"/api/v1/admin/sales/{saleId}/orders?limit=1&cursor={Uri.EscapeDataString(cursor)}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.ReadJsonAsync();
        Assert.Equal("validation_failed", problem["reason"]?.GetValue<string>());
        Assert.NotNull(problem["errors"]?["cursor"]);
    }

    [Fact]
    public async Task TheCursorsItHandsOut_PageThroughEveryOrder()
    {
        var (saleId, _, orderIds) = await Admin.SaleWithOrdersAsync(stock: 3, buyers: 3);

        var first = await Admin.GetJsonAsync($"/api/v1/admin/sales/{saleId}/orders?limit=2");
        var cursor = first["nextCursor"]!.GetValue<string>();
        var second = await Admin.GetJsonAsync($"/api/v1/admin/sales/{saleId}/orders?limit=2&cursor={cursor}");

        Assert.Equal(orderIds, Ids(first).Concat(Ids(second)));
        Assert.Null(second["nextCursor"]);
    }

    private static IEnumerable<string> Ids(JsonObject page) => page["items"]!.AsArray().Select(o => o!["orderId"]!.GetValue<string>());
}
