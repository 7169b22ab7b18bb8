using System.Net;
using FlashSale.Tests.Infrastructure;
using Npgsql;

namespace FlashSale.Tests.Distributed;

/// <summary>/health/ready follows both stores of distributed mode: 503 while Redis or PostgreSQL is gone, 200 once it is back.</summary>
public sealed class ReadinessTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly RedisServerProcess _redis = new();
    private TestStorage _storage = null!;
    private TcpProxy _proxy = null!;
    private TestApp _app = null!;

    public async Task InitializeAsync()
    {
        await _redis.StartAsync();
        _storage = TestStorage.Create(StorageKind.Redis, redisOverride: _redis.Address);
        var target = new NpgsqlConnectionStringBuilder(_storage.PostgresConnectionString);
        _proxy = new TcpProxy(target.Host!, target.Port);
        var viaProxy = new NpgsqlConnectionStringBuilder(_storage.PostgresConnectionString) { Port = _proxy.Port, Timeout = 2 };
        _app = new TestApp(storage: _storage, settings: new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = viaProxy.ConnectionString,
        });
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _proxy.DisposeAsync();
        await _storage.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task Ready_Is503WhileRedisIsDown_And200AfterItRestarts()
    {
        var client = _app.CreateClient();
        await ReadyBecomesAsync(client, HttpStatusCode.OK);

        await _redis.KillAsync();
        var body = await ReadyBecomesAsync(client, HttpStatusCode.ServiceUnavailable);
        Assert.Contains("redis", body, StringComparison.Ordinal);

        await _redis.StartAsync();
        await ReadyBecomesAsync(client, HttpStatusCode.OK);
    }

    [Fact]
    public async Task Ready_Is503WhilePostgresIsUnreachable_And200AfterItAnswers()
    {
        var client = _app.CreateClient();
        await ReadyBecomesAsync(client, HttpStatusCode.OK);

        _proxy.Cut();
        var body = await ReadyBecomesAsync(client, HttpStatusCode.ServiceUnavailable);
        Assert.Contains("postgres", body, StringComparison.Ordinal);

        _proxy.Start();
        await ReadyBecomesAsync(client, HttpStatusCode.OK);
    }

    /// <summary>Polls until readiness answers <paramref name="wanted"/>; returns that answer's body.</summary>
    private static async Task<string> ReadyBecomesAsync(HttpClient client, HttpStatusCode wanted)
    {
        var started = DateTime.UtcNow;
        var last = (Status: (HttpStatusCode)0, Body: "");
        while (DateTime.UtcNow - started < Patience)
        {
            using var response = await client.GetAsync("/health/ready");
            last = (response.StatusCode, await response.Content.ReadAsStringAsync());
            if (last.Status == wanted)
            {
                return last.Body;
            }

            await Task.Delay(200);
        }

        Assert.Fail($"/health/ready stayed {last.Status} ({last.Body}), expected {wanted}");
        return "";
    }
}
