// The live feed under load: opens N Server-Sent Events connections to one sale of a running FlashSale server,
// then measures, from the server's /proc entries and the clients' clocks:
//   - memory per client (resident memory before and after connecting),
//   - CPU per client while nothing changes (heartbeats only),
//   - with --admin-password: a purchase burst on that sale (a fresh one) and, for every stock event every client
//     receives, how long after the purchase was sent it arrived, how far apart the first and the last client got
//     the same event, and the server's CPU per delivered event.
//
//   dotnet run -c Release --project bench/FlashSale.LiveBench -- --url http://127.0.0.1:5000 --pid <server pid> --clients 10000 \
//     [--admin-password <pw>] [--purchases 50] [--interval-ms 100] [--idle 20] [--settle 5]
//
// bench/live.sh starts the server and runs this with the documented settings. Both processes need a file descriptor
// per client: `ulimit -n 65536` in the shell that starts them. Traffic goes to the given URL only (127.0.0.1).
using System.Diagnostics;
using System.Globalization;
using FlashSale.LiveBench;

const int WarmUpPurchases = 300;
var options = Args.Parse(args);
using var api = new ServerApi(options.Url);
var server = new ServerProcess(options.Pid);

string saleId;
string? buyerToken = null;
if (options.AdminPassword is { } password)
{
    var admin = await api.AdminTokenAsync(password);
    saleId = await api.CreateSaleAsync(admin, stock: options.Purchases + WarmUpPurchases + 1);
    buyerToken = await api.MintBuyerAsync(admin);
}
else
{
    saleId = options.Sale ?? await api.FirstSaleAsync();
}

Console.WriteLine($"sale {saleId}, {options.Clients} clients, server pid {options.Pid}");
if (options.HoldSeconds > 0)
{
    // Viewers only, for another load on the same sale (bench/live.sh --with-purchases): connect, watch, report.
    var watching = await ConnectAsync(api, saleId, options.Clients);
    Console.WriteLine($"{watching.Count} connected; watching for {options.HoldSeconds} s");
    await Task.Delay(TimeSpan.FromSeconds(options.HoldSeconds));
    Console.WriteLine(Invariant($"{watching.Sum(c => c.Events.Count) / (double)watching.Count:0.0} stock events per client, {watching.Sum(c => c.Events.Count)} deliveries"));
    return 0;
}

await Task.Delay(1000);
// What the server burns with nobody connected (timers, metrics, the runtime), subtracted below.
var baseline = await IdleAsync(server, options.IdleSeconds);
Console.WriteLine(Invariant($"idle {options.IdleSeconds} s, no clients: server CPU {baseline:P2} of a core"));
var rssBefore = server.Rss();
Console.WriteLine($"server RSS before: {Mb(rssBefore)}");

var connecting = Stopwatch.StartNew();
var joining = server.CpuWindow();
var clients = await ConnectAsync(api, saleId, options.Clients);
var joined = joining.Stop();

Console.WriteLine(Invariant(
    $"{clients.Count} connected, each got its snapshot, in {connecting.Elapsed.TotalSeconds:0.0} s; server CPU {joined.Seconds * 1000:0} ms ({joined.Seconds * 1e6 / clients.Count:0.0} µs per client)"));
await Task.Delay(TimeSpan.FromSeconds(options.SettleSeconds));
var rssAfter = server.Rss();
Console.WriteLine($"server RSS after:  {Mb(rssAfter)}");
Console.WriteLine(Invariant($"=> {(rssAfter - rssBefore) / 1024.0 / clients.Count:0.0} KiB per SSE client ({clients.Count} clients, +{Mb(rssAfter - rssBefore)})"));

if (buyerToken is not null)
{
    // The purchase path and the fan-out compiled and warm before anything is timed: the runtime recompiles a method
    // after 30 calls, in the background, and a burst of 50 purchases on a cold path measured mostly the compiler
    // (~30 ms of CPU per purchase with one client watching).
    for (var i = 0; i < WarmUpPurchases; i++)
    {
        await api.PurchaseAsync(buyerToken, saleId);
    }

    await Task.Delay(3000);
}

// Idle: nothing changes; the feed only sends a heartbeat comment every 15 s (Live:HeartbeatInterval).
var idle = await IdleAsync(server, options.IdleSeconds);
Console.WriteLine(Invariant(
    $"idle {options.IdleSeconds} s, {clients.Count} clients: server CPU {idle:P2} of a core, {(idle - baseline) * 1e6 / clients.Count:0.00} µs per client per second above none"));

if (buyerToken is not null)
{
    await BurstAsync(api, saleId, buyerToken, clients, server, options, idle);
}

// Last, everyone leaves at once, as a crowd does when a sale ends: the server's CPU for closing their streams, counted
// until 3 s after the last one closed on this side.
var leaving = server.CpuWindow();
await Task.WhenAll(clients.Select(c => c.DisposeAsync().AsTask()));
await Task.Delay(TimeSpan.FromSeconds(3));
var left = leaving.Stop();
Console.WriteLine(Invariant(
    $"{clients.Count} clients left at once: {left.Seconds * 1000:0} ms of server CPU ({left.Seconds * 1e6 / clients.Count:0.0} µs per client; the idle feed's ~{idle:P1} of a core included)"));

return 0;

static async Task<List<FeedClient>> ConnectAsync(ServerApi api, string saleId, int count)
{
    var clients = new List<FeedClient>(count);
    for (var batch = 0; batch < count; batch += 500)
    {
        var size = Math.Min(500, count - batch);
        clients.AddRange(await Task.WhenAll(Enumerable.Range(0, size).Select(_ => FeedClient.ConnectAsync(api.Http, saleId))));
    }

    return clients;
}

static async Task<double> IdleAsync(ServerProcess server, int seconds)
{
    var window = server.CpuWindow();
    await Task.Delay(TimeSpan.FromSeconds(seconds));
    return window.Stop().Share;
}

static async Task BurstAsync(ServerApi api, string saleId, string token, List<FeedClient> clients, ServerProcess server, Args options,
    double idleShare)
{
    // One purchase every interval; the feed coalesces changes (Live:MinInterval, 200 ms), so each stock event
    // carries the remaining stock of the latest purchase it saw. An event's latency is measured from the sending
    // of the earliest purchase it reports (the first purchase that left that much stock or less).
    var sent = new List<(long At, int Remaining)>();
    var window = server.CpuWindow();
    var own = new ServerProcess(Environment.ProcessId).CpuWindow();
    var burst = Stopwatch.StartNew();
    var started = Stopwatch.GetTimestamp();
    for (var i = 0; i < options.Purchases; i++)
    {
        var at = Stopwatch.GetTimestamp();
        var remaining = await api.PurchaseAsync(token, saleId);
        sent.Add((at, remaining));
        var next = TimeSpan.FromMilliseconds(options.IntervalMs * (i + 1)) - burst.Elapsed;
        if (next > TimeSpan.Zero)
        {
            await Task.Delay(next);
        }
    }

    var purchasing = burst.Elapsed.TotalSeconds;
    await Task.Delay(TimeSpan.FromSeconds(1)); // the last events reach every client
    var cpu = window.Stop();
    var clientCpu = own.Stop();
    var elapsed = burst.Elapsed.TotalSeconds;

    var latencies = new List<double>();
    var spreads = new List<double>();
    var deliveries = 0;
    foreach (var group in clients.SelectMany(c => c.Events).Where(e => e.At >= started).GroupBy(e => e.Remaining))
    {
        var cause = sent.First(s => s.Remaining <= group.Key).At;
        var arrivals = group.Select(e => e.At).ToList();
        latencies.AddRange(arrivals.Select(a => Stopwatch.GetElapsedTime(cause, a).TotalMilliseconds));
        spreads.Add(Stopwatch.GetElapsedTime(arrivals.Min(), arrivals.Max()).TotalMilliseconds);
        deliveries += arrivals.Count;
    }

    var events = spreads.Count;
    var missing = clients.Count(c => c.Events.Count == 0 || c.Events[^1].Remaining != sent[^1].Remaining);
    var burstCpu = cpu.Seconds - idleShare * elapsed;
    Console.WriteLine(Invariant(
        $"burst: {options.Purchases} purchases in {purchasing:0.0} s -> {events} stock events, {deliveries} deliveries ({deliveries / (double)Math.Max(1, events):0} clients per event); {missing} clients missed the final stock"));
    Console.WriteLine(Invariant(
        $"purchase sent -> event at a client (ms): p50 {Percentile(latencies, 50):0.0}, p90 {Percentile(latencies, 90):0.0}, p99 {Percentile(latencies, 99):0.0}, max {latencies.DefaultIfEmpty().Max():0.0}"));
    Console.WriteLine(Invariant(
        $"first -> last client of one event (ms): p50 {Percentile(spreads, 50):0.0}, max {spreads.DefaultIfEmpty().Max():0.0}"));
    Console.WriteLine(Invariant(
        $"server CPU during the burst: {cpu.Share:P1} of a core; above idle {burstCpu * 1e6 / Math.Max(1, deliveries):0.00} µs per delivered event (purchases included); this client process: {clientCpu.Share:P1}"));
}

static double Percentile(List<double> values, double p)
{
    if (values.Count == 0)
    {
        return 0;
    }

    values.Sort();
    return values[Math.Min(values.Count - 1, (int)Math.Ceiling(p / 100 * values.Count) - 1)];
}

static string Mb(long bytes) => (bytes / 1024.0 / 1024.0).ToString("0.0 MiB", CultureInfo.InvariantCulture);

static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
