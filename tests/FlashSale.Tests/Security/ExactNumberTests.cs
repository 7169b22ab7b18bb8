using System.Net;
using System.Text.Json.Nodes;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Security;

/// <summary>
/// A price is the number sent or it is refused. The serializer rounded what a decimal cannot hold: until 2026-12-06
/// <c>"price": 1e-29</c> made a sale at 0 (201), a free sale from a typo, and digits past the 28th were dropped.
/// Exact numbers in any spelling are taken as before.
/// </summary>
public sealed class ExactNumberTests() : AdminAppTest(new TestApp())
{
    [Theory]
    [InlineData("1e-29")]
    [InlineData("0.00000000000000000000000000001")]
    [InlineData("-1e-40")]
    [InlineData("10.000000000000000000000000000001")]
    [InlineData("1e-99999999999")] // an exponent past an int: int.Parse's overflow was a 500
    [InlineData("5e-9223372036854775809")] // and past a long
    public async Task APriceADecimalCannotHoldExactly_IsInvalidJson_AndNoSaleIsMade(string price)
    {
        var sku = $"EXACT-{Guid.NewGuid():N}";

        using var response = await CreateAsync(sku, price);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_json", await Api.ReasonAsync(response));
        Assert.Contains("$.price", await Api.DetailAsync(response), StringComparison.Ordinal);
        var sales = await Admin.GetJsonAsync("/api/v1/admin/sales?limit=100");
        Assert.DoesNotContain(sales["items"]!.AsArray(), s => s!["sku"]!.GetValue<string>() == sku);
    }

    [Theory]
    [InlineData("1.5e1", 15)]
    [InlineData("1250e-2", 12.5)]
    [InlineData("-0", 0)]
    [InlineData("0.10", 0.1)]
    [InlineData("1e9", 1_000_000_000)]
    [InlineData("0e99999999999", 0)] // zero, whatever its exponent
    public async Task AnExactPrice_InAnySpelling_IsTaken(string price, decimal expected)
    {
        using var response = await CreateAsync($"EXACT-{Guid.NewGuid():N}", price);

        await Api.EnsureAsync(response, HttpStatusCode.Created);
        var sale = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(expected, sale["price"]!.GetValue<decimal>());
    }

    /// <summary>A patch's price is read the same way.</summary>
    [Fact]
    public async Task APatchedPriceADecimalCannotHold_IsInvalidJson()
    {
        var sale = (await Admin.CreateSaleAsync(stock: 3, price: 7m))["id"]!.GetValue<string>();

        using var response = await Admin.SendAsync(HttpMethod.Patch, $"/api/v1/admin/sales/{sale}",
            new StringContent("""{"price":1e-29}""", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_json", await Api.ReasonAsync(response));
        Assert.Equal(7m, (await Admin.GetJsonAsync($"/api/v1/admin/sales/{sale}"))["price"]!.GetValue<decimal>());
    }

    private Task<HttpResponseMessage> CreateAsync(string sku, string price)
    {
        var now = DateTimeOffset.UtcNow;
        return Admin.PostJsonAsync("/api/v1/admin/sales", $$"""
            {"sku":"{{sku}}","productName":"Exact","price":{{price}},"currency":"USD","totalStock":1,"perUserLimit":1,
             "startsAt":"{{now.AddMinutes(-1):O}}","endsAt":"{{now.AddHours(1):O}}"}
            """);
    }
}
