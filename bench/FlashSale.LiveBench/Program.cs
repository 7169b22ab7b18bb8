// Memory per live-feed client: opens N Server-Sent Events connections to one sale of a running
// FlashSale server and reads the server's resident memory (Linux /proc) before and after.
//
//   dotnet run -c Release --project bench/FlashSale.LiveBench -- --url http://127.0.0.1:5000 --pid <server pid> --clients 10000
//
// Both processes need enough file descriptors: `ulimit -n 65536` in the shell that starts them.
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;

var options = Args.Parse(args);
using var http = new HttpClient(new SocketsHttpHandler
{
    MaxConnectionsPerServer = int.MaxValue,
    PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
})
{ BaseAddress = new Uri(options.Url), Timeout = Timeout.InfiniteTimeSpan };

var saleId = options.Sale;
if (saleId is null)
{
    using var list = JsonDocument.Parse(await http.GetStringAsync("/api/v1/sales"));
    saleId = list.RootElement.GetProperty("items")[0].GetProperty("id").GetString()!;
}

Console.WriteLine($"sale {saleId}, {options.Clients} clients, server pid {options.Pid}");
await Task.Delay(1000);
var before = Rss(options.Pid);
Console.WriteLine($"server RSS before: {Mb(before)}");

var clock = Stopwatch.StartNew();
var streams = new List<(HttpResponseMessage Response, Stream Body)>(options.Clients);
var snapshots = 0;
for (var batch = 0; batch < options.Clients; batch += 500)
{
    var size = Math.Min(500, options.Clients - batch);
    var opened = await Task.WhenAll(Enumerable.Range(0, size).Select(async _ =>
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/sales/{saleId}/events") { Version = HttpVersion.Version11 };
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadAsStreamAsync();
        await ReadSnapshotAsync(body);
        return (response, body);
    }));
    streams.AddRange(opened);
    snapshots += size;
}

Console.WriteLine($"{snapshots} connected, each got its snapshot, in {clock.Elapsed.TotalSeconds:0.0} s");
await Task.Delay(TimeSpan.FromSeconds(options.SettleSeconds));
var after = Rss(options.Pid);
Console.WriteLine($"server RSS after:  {Mb(after)}");
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"=> {(after - before) / 1024.0 / options.Clients:0.0} KiB per SSE client ({options.Clients} clients, +{Mb(after - before)})"));

foreach (var (response, body) in streams)
{
    await body.DisposeAsync();
    response.Dispose();
}

return 0;

static async Task ReadSnapshotAsync(Stream body)
{
    // Everything up to the end of the first event ("\n\n" after a data line).
    var buffer = new byte[4096];
    var text = "";
    while (!text.Contains("data:", StringComparison.Ordinal) || !text.EndsWith("\n\n", StringComparison.Ordinal))
    {
        var read = await body.ReadAsync(buffer);
        if (read == 0)
        {
            throw new InvalidOperationException("The stream ended before the snapshot.");
        }

        text += System.Text.Encoding.UTF8.GetString(buffer, 0, read);
    }
}

static long Rss(int pid)
{
    foreach (var line in File.ReadLines($"/proc/{pid}/status"))
    {
        if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
        {
            return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
    }

    throw new InvalidOperationException($"No VmRSS for pid {pid}.");
}

static string Mb(long bytes) => (bytes / 1024.0 / 1024.0).ToString("0.0 MiB", CultureInfo.InvariantCulture);

internal sealed record Args(string Url, int Pid, int Clients, string? Sale, int SettleSeconds)
{
    public static Args Parse(string[] args)
    {
        string Value(string name, string? fallback = null)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback ?? throw new ArgumentException($"{name} is required.");
        }

        return new Args(Value("--url", "http://127.0.0.1:5000"), int.Parse(Value("--pid"), CultureInfo.InvariantCulture),
            int.Parse(Value("--clients", "1000"), CultureInfo.InvariantCulture), args.Contains("--sale") ? Value("--sale") : null,
            int.Parse(Value("--settle", "5"), CultureInfo.InvariantCulture));
    }
}
