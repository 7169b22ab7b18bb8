using System.Net;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Admin;

/// <summary>
/// A product name or description with a bidirectional override or isolate control ("Trojan Source") is refused: on the
/// shop's pages one reverses what follows it, so a name reads as another. Right-to-left text and its marks stay allowed.
/// </summary>
public sealed class SaleTextBidiTests() : AdminAppTest(new TestApp())
{
    [Theory]
    [InlineData("productName", "\\u202EenohPi")] // RIGHT-TO-LEFT OVERRIDE
    [InlineData("productName", "Phone \\u202A12\\u202C")] // LEFT-TO-RIGHT EMBEDDING, POP DIRECTIONAL FORMATTING
    [InlineData("productName", "a\\u2066b\\u2069")] // LEFT-TO-RIGHT ISOLATE, POP DIRECTIONAL ISOLATE
    [InlineData("description", "Fine print \\u202Ereversed")]
    [InlineData("description", "\\u2067x")] // RIGHT-TO-LEFT ISOLATE
    public async Task ABidiControl_IsRefused_OnCreateAndPatch_NothingChanges(string field, string escaped)
    {
        using (var created = await Admin.PostJsonAsync("/api/v1/admin/sales", SaleJson(field, escaped)))
        {
            await AssertRefusedAsync(created, field);
        }

        var sale = await Admin.CreateSaleAsync(5);
        var saleId = sale.Id();
        using (var patched = await Admin.PatchJsonAsync($"/api/v1/admin/sales/{saleId}", $$"""{"{{field}}":"{{escaped}}"}"""))
        {
            await AssertRefusedAsync(patched, field);
        }

        var after = await Admin.GetJsonAsync($"/api/v1/sales/{saleId}");
        Assert.Equal(sale["productName"]!.GetValue<string>(), after["productName"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("\\u05D8\\u05DC\\u05E4\\u05D5\\u05DF")] // Hebrew, right to left by itself
    [InlineData("\\u0647\\u0627\\u062A\\u0641 Pro \\u200F15")] // Arabic with a RIGHT-TO-LEFT MARK
    [InlineData("Family \\uD83D\\uDC68\\u200D\\uD83D\\uDC69")] // an emoji sequence with a ZERO WIDTH JOINER
    public async Task RightToLeftText_AndMarks_AreAccepted(string escaped)
    {
        using var created = await Admin.PostJsonAsync("/api/v1/admin/sales", SaleJson("productName", escaped));

        await Api.EnsureAsync(created, HttpStatusCode.Created);
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response, string field)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.ReadJsonAsync();
        Assert.Equal("validation_failed", problem["reason"]?.GetValue<string>());
        Assert.Contains("bidirectional", problem["errors"]?[field]?[0]?.GetValue<string>() ?? "", StringComparison.Ordinal);
    }

    private static string SaleJson(string field, string escaped)
    {
        var start = DateTimeOffset.UtcNow.AddHours(1).ToString("O");
        var end = DateTimeOffset.UtcNow.AddHours(2).ToString("O");
        var name = field == "productName" ? escaped : "Phone";
        var description = field == "description" ? escaped : "A phone.";
        return $$"""{"sku":"bidi-{{Guid.NewGuid():N}}","productName":"{{name}}","description":"{{description}}","price":10,"currency":"USD","totalStock":5,"startsAt":"{{start}}","endsAt":"{{end}}"}""";
    }
}
