using System.Net;
using FlashSale.Common;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Security;

/// <summary>
/// .NET's number parsing skips trailing NUL characters, so <c>limit=2%00</c> read as 2 (200) and a cursor <c>1%00</c> as 1,
/// where the contract refuses anything but digits (found by a fuzz of every operation, 2026-12-07). Now 400.
/// </summary>
public sealed class TrailingNulNumberTests() : AdminAppTest(new TestApp())
{
    [Theory]
    [InlineData("/api/v1/sales?limit=2%00", "limit")]
    [InlineData("/api/v1/admin/sales?limit=2%00", "limit")]
    [InlineData("/api/v1/admin/orders?username=nobody-here&limit=2%00", "limit")]
    [InlineData("/api/v1/me/orders?limit=2%00", "limit")]
    public async Task ALimitWithATrailingNul_IsRefused(string path, string field)
    {
        using var response = await Admin.GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(field, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASaleOrdersCursorWithATrailingNul_IsRefused()
    {
        var sale = (await Admin.CreateSaleAsync(stock: 2)).Id();

        using var nul = await Admin.GetAsync($"/api/v1/admin/sales/{sale}/orders?cursor=1%00");
        using var plain = await Admin.GetAsync($"/api/v1/admin/sales/{sale}/orders?cursor=1");

        Assert.Equal(HttpStatusCode.BadRequest, nul.StatusCode);
        Assert.Equal("validation_failed", await Api.ReasonAsync(nul));
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
    }

    [Theory]
    [InlineData("2", true)]
    [InlineData("2\0", false)]
    [InlineData("2\0\0", false)]
    [InlineData("\u00002", false)]
    [InlineData(" 2", false)]
    [InlineData("+2", false)]
    [InlineData("", false)]
    public void PlainNumber_IsDigitsAndNothingElse(string text, bool taken)
    {
        Assert.Equal(taken, PlainNumber.TryParse(text, out long _));
        Assert.Equal(taken, PlainNumber.TryParse(text, out int _));
    }
}
