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

    /// <summary>The drift check's line for one sale (<c>GET /api/v1/admin/reconcile</c>: compares, changes nothing).</summary>
    public static async Task<JsonNode> ReconcileLineAsync(this Api admin, string saleId) =>
        (await admin.GetJsonAsync("/api/v1/admin/reconcile"))["items"]!.AsArray().Single(i => i!["saleId"]!.GetValue<string>() == saleId)!;

    /// <summary>The admin stats' line for one sale.</summary>
    public static async Task<JsonNode> StatsLineAsync(this Api admin, string saleId) =>
        (await admin.GetJsonAsync("/api/v1/admin/stats"))["sales"]!.AsArray().Single(s => s!["saleId"]!.GetValue<string>() == saleId)!;

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

    /// <summary>Drift made by hand in the record (SQLite or PostgreSQL): an order row vanishes.</summary>
    public static void DeleteOrderByHand(this TestApp app, string orderId)
    {
        if (app.Storage.IsDistributed)
        {
            app.PostgresSql($"DELETE FROM orders WHERE id = '{orderId}'");
        }
        else
        {
            app.Sql($"DELETE FROM orders WHERE id = '{orderId}'");
        }
    }

    /// <summary>Drift made by hand in the record: one confirmed order of 1 unit at 10.00 USD per user appears.</summary>
    public static void InsertOrdersByHand(this TestApp app, string saleId, params string[] userIds)
    {
        var rows = userIds.Select(u => app.Storage.IsDistributed
            ? $"('{Guid.NewGuid()}', '{saleId}', '{u}', '{u}', 1, 10.00, 'USD', to_timestamp(0), 0, 0, false)"
            : $"('{Guid.NewGuid()}', '{saleId}', '{u}', '{u}', 1, 1000, 'USD', 0, 0, 0)");
        if (app.Storage.IsDistributed)
        {
            app.PostgresSql("INSERT INTO orders (id, sale_id, user_id, username, quantity, unit_price, currency, purchased_at, remaining_after, status, limit_one) VALUES "
                + string.Join(", ", rows));
        }
        else
        {
            app.Sql("INSERT INTO orders (id, sale_id, user_id, username, quantity, unit_price_minor, currency, purchased_at, remaining_after, status) VALUES "
                + string.Join(", ", rows));
        }
    }

    public static void PostgresSql(this TestApp app, string sql)
    {
        using var connection = app.Storage.OpenDatabase();
        using var command = new Npgsql.NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
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
