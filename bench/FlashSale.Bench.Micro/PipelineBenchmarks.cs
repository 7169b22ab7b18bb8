using System.Net.Http.Json;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FlashSale.Bench.Micro;

/// <summary>
/// A sold-out purchase through FlashSale's whole production pipeline and endpoint, in process: the app
/// configured as <c>bench/run.sh</c> runs it (Production, embedded store, rate limits lifted out of reach,
/// 500 buyers' bearer tokens in turn), each request a context made by the app's own
/// <see cref="IHttpContextFactory"/> handed to the app's built pipeline, as a server hands it one (without
/// the socket, the request parsing and hosting's per-request metrics). What the macro benchmark's rejection
/// costs above the ceiling is user-space work of this kind; here it is measured without the kernel, the load
/// generator or the VM's minute-to-minute drift, to a few percent.
/// </summary>
/// <remarks>More warm-up and iterations than the suite's short job: the pipeline is hundreds of methods that
/// the JIT recompiles with their profiles over the first seconds. <c>PIPELINE_SETTINGS="Key=value;..."</c>
/// in the environment adds settings, to price one (docs/benchmarks.md, "Micro benchmarks").</remarks>
[WarmupCount(10)]
[IterationCount(15)]
public class PipelineBenchmarks
{
    private const string AdminPassword = "micro-bench-admin-password";
    private static readonly byte[] Body = """{"quantity":1}"""u8.ToArray();

    private BenchApp _app = null!;
    private IHttpContextFactory _contexts = null!;
    private string[] _authorizations = [];
    private string _purchasePath = "";
    private int _next;

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        // WebApplicationFactory looks for the app's content root in MvcTestingAppManifest.json in the *current*
        // folder, and bench/micro.sh runs from bench/results/micro: the setting it checks first is given instead.
        using (var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "MvcTestingAppManifest.json"))))
        {
            var root = manifest.RootElement.EnumerateObject().First(p => p.Name.StartsWith("FlashSale,", StringComparison.Ordinal));
            Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_FLASHSALE", root.Value.GetString());
        }

        _app = new BenchApp();
        using var client = _app.CreateClient();
        var signIn = await client.PostAsJsonAsync("/api/v1/auth/token", new { username = "admin", password = AdminPassword });
        var admin = await Read(signIn, "accessToken");
        client.DefaultRequestHeaders.Authorization = new("Bearer", admin);

        var minted = await client.PostAsJsonAsync("/api/v1/admin/tokens", new { count = BenchData.Buyers });
        using var tokens = JsonDocument.Parse(await Ok(minted).Content.ReadAsStringAsync());
        _authorizations = [.. tokens.RootElement.GetProperty("tokens").EnumerateArray()
            .Select(t => "Bearer " + t.GetProperty("accessToken").GetString())];

        var now = DateTimeOffset.UtcNow;
        var sale = await client.PostAsJsonAsync("/api/v1/admin/sales", new
        {
            sku = $"micro-{Guid.NewGuid():N}", productName = "Benchmark unit", price = 19.99m, totalStock = 1, perUserLimit = 1,
            startsAt = now.AddMinutes(-1), endsAt = now.AddDays(1),
        });
        _purchasePath = $"/api/v1/sales/{await Read(sale, "id")}/purchases";
        _contexts = _app.Services.GetRequiredService<IHttpContextFactory>();

        // The one unit sells here; every benchmarked attempt is then a 409 sold_out.
        var first = await Purchase();
        var last = await Purchase();
        if (first != StatusCodes.Status201Created || last != StatusCodes.Status409Conflict)
        {
            throw new InvalidOperationException($"Expected 201 then 409, got {first} and {last}.");
        }
    }

    [Benchmark(Description = "sold-out purchase, whole pipeline")]
    public Task<int> SoldOutPurchase() => Purchase();

    private Task<int> Purchase()
    {
        var request = new HttpRequestFeature
        {
            Method = HttpMethods.Post,
            Path = _purchasePath,
            Body = new MemoryStream(Body, writable: false),
        };
        request.Headers.Authorization = _authorizations[(uint)_next++ % (uint)_authorizations.Length];
        request.Headers.ContentType = "application/json";
        request.Headers.ContentLength = Body.Length;
        return Send(request);
    }

    /// <summary>What a server does with a parsed request: features, a context from the app's factory, the pipeline.</summary>
    private async Task<int> Send(HttpRequestFeature request)
    {
        var features = new FeatureCollection();
        features.Set<IHttpRequestFeature>(request);
        features.Set<IHttpResponseFeature>(new HttpResponseFeature());
        features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(Stream.Null));
        features.Set<IHttpConnectionFeature>(new HttpConnectionFeature { RemoteIpAddress = System.Net.IPAddress.Loopback, ConnectionId = "micro" });
        var context = _contexts.Create(features);
        try
        {
            await _app.Pipeline(context);
            return context.Response.StatusCode;
        }
        finally
        {
            _contexts.Dispose(context);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _app.Dispose();
        try
        {
            Directory.Delete(_app.DataPath, recursive: true);
        }
        catch (IOException)
        {
            // A folder under the temp directory; left if the store still holds it open.
        }
    }

    private static async Task<string> Read(HttpResponseMessage response, string property)
    {
        using var json = JsonDocument.Parse(await Ok(response).Content.ReadAsStringAsync());
        return json.RootElement.GetProperty(property).GetString()!;
    }

    private static HttpResponseMessage Ok(HttpResponseMessage response) => response.IsSuccessStatusCode
        ? response
        : throw new InvalidOperationException($"{response.RequestMessage?.RequestUri}: {(int)response.StatusCode}");

    /// <summary>
    /// The server as <c>bench/lib.sh</c>'s <c>flashsale_env</c> configures it, and its request pipeline as the
    /// host builds it: a startup filter registered after the app's own is the innermost, so once the app has
    /// configured the builder (the outer filters' middleware already on it) it builds the pipeline once more.
    /// </summary>
    private sealed class BenchApp : WebApplicationFactory<Program>
    {
        public string DataPath { get; } = Path.Combine(Path.GetTempPath(), $"flashsale-micro-pipeline-{Guid.NewGuid():N}");

        public RequestDelegate Pipeline { get; private set; } = _ => throw new InvalidOperationException("The app has not started.");

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.ConfigureServices(services => services.AddSingleton<IStartupFilter>(new CapturePipeline(this)));
            builder.UseEnvironment("Production");
            foreach (var (key, value) in new Dictionary<string, string>
            {
                ["Storage:DataPath"] = DataPath,
                ["Storage:SeedDemoData"] = "false",
                ["Admin:Password"] = AdminPassword,
                ["Auth:SyntheticBuyers:Enabled"] = "true",
                ["Auth:TokenLifetime"] = "02:00:00",
                ["Logging:LogLevel:Default"] = "Warning",
                ["RateLimiting:Rules:per-ip:PermitLimit"] = "1000000",
                ["RateLimiting:Rules:per-ip:Window"] = "00:00:01",
                ["RateLimiting:Rules:purchase-per-user:PermitLimit"] = "1000000",
                ["RateLimiting:Rules:purchase-per-user:Window"] = "00:00:01",
            })
            {
                builder.UseSetting(key, value);
            }

            // PIPELINE_SETTINGS="Key=value;Key=value" prices a setting: RateLimiting:Enabled=false, for one.
            foreach (var pair in (Environment.GetEnvironmentVariable("PIPELINE_SETTINGS") ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries))
            {
                var at = pair.IndexOf('=');
                if (at <= 0)
                {
                    throw new InvalidOperationException($"PIPELINE_SETTINGS: '{pair}' is not Key=value.");
                }

                builder.UseSetting(pair[..at], pair[(at + 1)..]);
            }
        }

        private sealed class CapturePipeline(BenchApp app) : IStartupFilter
        {
            public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => builder =>
            {
                next(builder);
                app.Pipeline = builder.Build();
            };
        }
    }
}
