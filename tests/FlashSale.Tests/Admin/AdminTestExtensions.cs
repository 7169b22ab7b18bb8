using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlashSale.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace FlashSale.Tests.Admin;

/// <summary>Small helpers for the admin tests: JSON verbs the shared client lacks, and raw SQL on the record.</summary>
internal static class AdminTestExtensions
{
    public static Task<HttpResponseMessage> PatchJsonAsync(this Api api, string path, string json) =>
        api.SendAsync(HttpMethod.Patch, path, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

    public static Task<HttpResponseMessage> PostEmptyAsync(this Api api, string path) =>
        api.SendAsync(HttpMethod.Post, path);

    public static async Task<JsonObject> ReadJsonAsync(this HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonObject>())!;

    public static string Id(this JsonObject node) => node["id"]!.GetValue<string>();

    public static int Int(this JsonNode? node, string name) => node![name]!.GetValue<int>();

    /// <summary>Creates a sale and buys one unit for each of <paramref name="buyers"/> fresh synthetic buyers.</summary>
    public static async Task<(string SaleId, List<(string UserId, string Token)> Buyers, List<string> OrderIds)> SaleWithOrdersAsync(
        this Api admin, int stock, int buyers, decimal price = 10m)
    {
        var saleId = (await admin.CreateSaleAsync(stock, price: price)).Id();
        var minted = await admin.MintBuyersAsync(buyers);
        var orders = new List<string>();
        foreach (var buyer in minted)
        {
            using var bought = await admin.WithToken(buyer.Token).PurchaseAsync(saleId);
            await Api.EnsureAsync(bought, System.Net.HttpStatusCode.Created);
            orders.Add((await bought.ReadJsonAsync())["orderId"]!.GetValue<string>());
        }

        return (saleId, minted, orders);
    }

    /// <summary>Runs SQL on the test server's database file, as an operator with a shell would.</summary>
    public static void Sql(this TestApp app, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(app.DataPath, "flashsale.db")};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA busy_timeout = 10000; " + sql;
        command.ExecuteNonQuery();
    }
}
