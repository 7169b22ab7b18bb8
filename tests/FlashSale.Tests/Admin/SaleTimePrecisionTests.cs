using System.Net;
using System.Text.Json.Nodes;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Admin;

/// <summary>
/// Every store keeps sale times to the millisecond. Times finer than that are cut before they are judged: a window
/// that is empty once stored is refused, and the answer carries the times as stored, the same a later read returns.
/// </summary>
public sealed class SaleTimePrecisionTests() : AdminAppTest(new TestApp())
{
    private const string Start = "2030-01-01T00:00:00.0001Z";

    [Fact]
    public async Task Create_WithAWindowShorterThanAMillisecond_IsRefused()
    {
        using var response = await Admin.PostJsonAsync("/api/v1/admin/sales", SaleJson(Start, "2030-01-01T00:00:00.0009Z"));

        await AssertEndsAtRefusedAsync(response);
    }

    [Fact]
    public async Task Create_AnswersTheTimesToTheMillisecond_AsAReadReturnsThem()
    {
        using var response = await Admin.PostJsonAsync("/api/v1/admin/sales", SaleJson(Start, "2030-01-01T00:00:00.0019Z"));
        await Api.EnsureAsync(response, HttpStatusCode.Created);
        var created = await response.ReadJsonAsync();

        var read = await Admin.GetJsonAsync($"/api/v1/admin/sales/{created.Id()}");

        Assert.Equal(DateTimeOffset.Parse("2030-01-01T00:00:00Z"), Time(created, "startsAt"));
        Assert.Equal(DateTimeOffset.Parse("2030-01-01T00:00:00.001Z"), Time(created, "endsAt"));
        Assert.Equal(Text(read, "startsAt"), Text(created, "startsAt"));
        Assert.Equal(Text(read, "endsAt"), Text(created, "endsAt"));
    }

    [Fact]
    public async Task Patch_WithAWindowShorterThanAMillisecond_IsRefused_AndChangesNothing()
    {
        var sale = await Admin.CreateSaleAsync(5, startsAt: DateTimeOffset.UtcNow.AddDays(1), endsAt: DateTimeOffset.UtcNow.AddDays(2));
        var before = await Admin.GetJsonAsync($"/api/v1/admin/sales/{sale.Id()}");

        using var response = await Admin.PatchJsonAsync($"/api/v1/admin/sales/{sale.Id()}",
            $$"""{"startsAt":"{{Start}}","endsAt":"2030-01-01T00:00:00.0009Z"}""");

        await AssertEndsAtRefusedAsync(response);
        var after = await Admin.GetJsonAsync($"/api/v1/admin/sales/{sale.Id()}");
        Assert.Equal(Text(before, "startsAt"), Text(after, "startsAt"));
        Assert.Equal(Text(before, "endsAt"), Text(after, "endsAt"));
    }

    [Fact]
    public async Task Patch_AnswersTheTimesToTheMillisecond_AsAReadReturnsThem()
    {
        var sale = await Admin.CreateSaleAsync(5, startsAt: DateTimeOffset.UtcNow.AddDays(1), endsAt: DateTimeOffset.UtcNow.AddDays(2));

        using var response = await Admin.PatchJsonAsync($"/api/v1/admin/sales/{sale.Id()}",
            $$"""{"startsAt":"{{Start}}","endsAt":"2030-01-01T00:00:00.0019Z"}""");
        await Api.EnsureAsync(response, HttpStatusCode.OK);
        var patched = await response.ReadJsonAsync();

        var read = await Admin.GetJsonAsync($"/api/v1/admin/sales/{sale.Id()}");

        Assert.Equal(DateTimeOffset.Parse("2030-01-01T00:00:00Z"), Time(patched, "startsAt"));
        Assert.Equal(DateTimeOffset.Parse("2030-01-01T00:00:00.001Z"), Time(patched, "endsAt"));
        Assert.Equal(Text(read, "startsAt"), Text(patched, "startsAt"));
        Assert.Equal(Text(read, "endsAt"), Text(patched, "endsAt"));
    }

    private static async Task AssertEndsAtRefusedAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.ReadJsonAsync();
        Assert.Equal("validation_failed", problem["reason"]?.GetValue<string>());
        Assert.Equal("must be after the start.", problem["errors"]?["endsAt"]?[0]?.GetValue<string>());
    }

    private static string SaleJson(string startsAt, string endsAt) => $$"""
        {"sku":"T-{{Guid.NewGuid():N}}","productName":"Test product","price":10,"totalStock":5,"startsAt":"{{startsAt}}","endsAt":"{{endsAt}}"}
        """;

    private static string Text(JsonObject sale, string field) => sale[field]!.GetValue<string>();

    private static DateTimeOffset Time(JsonObject sale, string field) => sale[field]!.GetValue<DateTimeOffset>();
}
