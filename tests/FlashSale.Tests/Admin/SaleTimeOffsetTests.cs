using System.Net;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Admin;

/// <summary>
/// A sale's times are instants: ISO 8601 with their offset. Without one the serializer took the server's time zone,
/// so the same request made a different sale on a server set to another zone. Refused, changing nothing.
/// </summary>
public sealed class SaleTimeOffsetTests() : AdminAppTest(new TestApp())
{
    [Theory]
    [InlineData("2030-01-01T10:00:00", "2030-01-02T10:00:00Z")]
    [InlineData("2030-01-01T10:00:00Z", "2030-01-02T10:00:00.123")]
    [InlineData("2030-01-01", "2030-01-02T10:00:00Z")]
    public async Task Create_WithATimeWithoutItsOffset_IsRefused_AndCreatesNothing(string startsAt, string endsAt)
    {
        var sku = $"T-{Guid.NewGuid():N}";
        var before = (await Admin.GetJsonAsync("/api/v1/admin/sales?limit=1000"))["items"]!.AsArray().Count;

        var problem = await Api.ExpectProblemAsync(Admin.PostJsonAsync("/api/v1/admin/sales",
            $$"""{"sku":"{{sku}}","productName":"Test product","price":10,"totalStock":5,"startsAt":"{{startsAt}}","endsAt":"{{endsAt}}"}"""),
            HttpStatusCode.BadRequest, "invalid_json");

        Assert.Contains("offset", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(before, (await Admin.GetJsonAsync("/api/v1/admin/sales?limit=1000"))["items"]!.AsArray().Count);
    }

    [Fact]
    public async Task Patch_WithATimeWithoutItsOffset_IsRefused_AndChangesNothing()
    {
        var sale = await Admin.CreateSaleAsync(5, startsAt: DateTimeOffset.UtcNow.AddDays(1), endsAt: DateTimeOffset.UtcNow.AddDays(2));
        var before = await Admin.GetJsonAsync($"/api/v1/admin/sales/{sale.Id()}");

        await Api.ExpectProblemAsync(Admin.PatchJsonAsync($"/api/v1/admin/sales/{sale.Id()}", """{"endsAt":"2030-01-02T10:00:00"}"""),
            HttpStatusCode.BadRequest, "invalid_json");

        var after = await Admin.GetJsonAsync($"/api/v1/admin/sales/{sale.Id()}");
        Assert.Equal(before["endsAt"]!.GetValue<string>(), after["endsAt"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("2030-01-01T10:00:00Z", "2030-01-01T10:00:00+00:00")]
    [InlineData("2030-01-01T12:00:00+02:00", "2030-01-01T10:00:00+00:00")]
    [InlineData("2030-01-01T05:00:00.5-05:00", "2030-01-01T10:00:00.5+00:00")]
    public async Task Create_WithAnOffset_IsTheInstantItNames(string startsAt, string stored)
    {
        using var response = await Admin.PostJsonAsync("/api/v1/admin/sales",
            $$"""{"sku":"T-{{Guid.NewGuid():N}}","productName":"Test product","price":10,"totalStock":5,"startsAt":"{{startsAt}}","endsAt":"2030-02-01T00:00:00Z"}""");

        await Api.EnsureAsync(response, HttpStatusCode.Created);
        Assert.Equal(stored, (await response.ReadJsonAsync())["startsAt"]!.GetValue<string>());
    }
}
