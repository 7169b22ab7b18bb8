// Stats at 1M orders: seeds a SQLite file through the real schema (triggers and all), then times the
// admin reads the way the endpoints make them. Usage:
//   dotnet run -c Release --project bench/FlashSale.Bench.Stats -- [--orders 1000000] [--sales 100] [--iterations 200] [--data DIR]
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using FlashSale.Admin;
using FlashSale.Bench.Stats;
using FlashSale.Orders;
using FlashSale.Storage;
using FlashSale.Storage.Embedded;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

var orders = Arg(args, "--orders", 1_000_000);
var salesCount = Arg(args, "--sales", 100);
var iterations = Arg(args, "--iterations", 200);
var dataPath = ArgText(args, "--data", Path.Combine(Path.GetTempPath(), $"flashsale-bench-stats-{orders}-{salesCount}"));

var db = new SqliteDatabase(Options.Create(new StorageOptions { DataPath = dataPath }));
var now = DateTimeOffset.UtcNow;
var seeded = Seeder.Seed(db, salesCount, orders, now);
var statsStore = new SqliteStatsStore(db);
var orderStore = new SqliteOrderStore(db, new BuyerOrders());
var json = new JsonOptions().SerializerOptions;
var today = DateOnly.FromDateTime(now.UtcDateTime);
var first = today.AddDays(-(StatsReport.Days - 1));
var sale = seeded.SaleIds[salesCount / 2];

Console.WriteLine($"{seeded.Orders:N0} orders over {salesCount} sales in {db.FilePath} ({new FileInfo(db.FilePath).Length / 1_048_576} MiB)");
Console.WriteLine($"{"operation",-44} {"p50 ms",8} {"p95 ms",8} {"max ms",8}");

Measure("stats (GET /admin/stats: store + build + JSON)", iterations, async () =>
{
    var data = await statsStore.GetAsync(first, today, CancellationToken.None);
    _ = JsonSerializer.SerializeToUtf8Bytes(StatsReport.Build(data, first, now), json);
});
Measure("orders page, newest first (limit 100)", iterations, () =>
    orderStore.ListBySaleAsync(sale, new OrderPageRequest(100, null, true), CancellationToken.None));
var deep = await orderStore.ListBySaleAsync(sale, new OrderPageRequest(1000, null, false), CancellationToken.None);
for (var i = 0; i < 4; i++)
{
    deep = await orderStore.ListBySaleAsync(sale, new OrderPageRequest(1000, deep.NextCursor, false), CancellationToken.None);
}

Measure("orders page 5001-5100, purchase order", iterations, () =>
    orderStore.ListBySaleAsync(sale, new OrderPageRequest(100, deep.NextCursor, false), CancellationToken.None));
Measure("leaderboard (limit 10)", iterations, () => orderStore.FirstConfirmedAsync(sale, 10, CancellationToken.None));
Measure("leaderboard (limit 100)", iterations, () => orderStore.FirstConfirmedAsync(sale, 100, CancellationToken.None));
// The road not taken: the same numbers computed from the orders table on every call.
Measure("stats by scanning orders (for comparison)", 5, () =>
{
    Seeder.ScanStats(db);
    return Task.CompletedTask;
});

static void Measure(string name, int iterations, Func<Task> run)
{
    for (var i = 0; i < Math.Min(10, (iterations + 4) / 5); i++)
    {
        run().GetAwaiter().GetResult();   // warm-up: page cache, JIT
    }

    var times = new double[iterations];
    for (var i = 0; i < iterations; i++)
    {
        var started = Stopwatch.GetTimestamp();
        run().GetAwaiter().GetResult();
        times[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }

    Array.Sort(times);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{name,-44} {Percentile(times, 0.50),8:F2} {Percentile(times, 0.95),8:F2} {times[^1],8:F2}"));
}

static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

static int Arg(string[] args, string name, int fallback) =>
    int.Parse(ArgText(args, name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

static string ArgText(string[] args, string name, string fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}
