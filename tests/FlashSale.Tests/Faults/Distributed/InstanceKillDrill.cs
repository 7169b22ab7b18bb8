using System.Diagnostics;
using System.Net;
using FlashSale.Storage.Redis;
using FlashSale.Tests.Infrastructure;
using Xunit.Abstractions;

namespace FlashSale.Tests.Faults.Distributed;

/// <summary>
/// Fault drill 1: three server processes on one Redis and one PostgreSQL; buyers spread over the
/// three directly; every round one instance is killed with SIGKILL in the middle of a flood and
/// restarted while the others keep selling. A buyer whose connection died retries with the same
/// Idempotency-Key on another instance and learns the outcome. Afterwards every acknowledged order
/// is recorded once, nothing is oversold, and the outbox entries the dead instances held
/// (delivered, not acknowledged) were claimed by the living (XAUTOCLAIM).
/// </summary>
public sealed class InstanceKillDrill(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Stock = 2000;
    private const int Limit = 2;
    private static readonly string SigningKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(64));

    private readonly Life?[] _lives = new Life?[3];
    private readonly List<Life> _dead = [];
    private TestStorage _storage = null!;
    private int _born;

    public async Task InitializeAsync()
    {
        _storage = TestStorage.Create(StorageKind.Redis);
        await Task.WhenAll(Enumerable.Range(0, 3).Select(StartAsync));
    }

    public async Task DisposeAsync()
    {
        foreach (var life in _lives)
        {
            if (life is not null)
            {
                life.Client.Dispose();
                await life.Server.DisposeAsync();
            }
        }

        foreach (var dead in _dead)
        {
            dead.Client.Dispose();
            await dead.Server.DisposeAsync();
        }

        await _storage.DisposeAsync();
    }

    [Fact]
    public async Task KillOneOfThreeInstancesRepeatedlyDuringAFlood_NoAcknowledgedOrderLost_NoOversell()
    {
        var rounds = FaultRounds.Count;
        var adminToken = (await Api.AsAdminAsync(_lives[0]!.Client)).Token!;
        // Whichever instance is alive now (the one the admin first spoke to may have been killed).
        Api Admin() => new(_lives.First(l => l is not null)!.Client, adminToken);
        var admin = Admin();
        var buyers = await admin.MintBuyersAsync(2000);
        await WarmUpAsync(admin, buyers);
        var ledger = new DistributedAckLedger();
        await using var redis = await RedisState.ConnectAsync(_storage);
        var sales = new List<string>();
        var deadConsumers = new List<(string Consumer, string SaleId, long PendingAtKill)>();
        var restarts = new List<TimeSpan>();
        var soldDuringOutages = new List<int>();
        var random = new Random(8101);

        for (var round = 0; round < rounds; round++)
        {
            var saleId = (await Admin().CreateSaleAsync(stock: Stock, perUserLimit: Limit))["id"]!.GetValue<string>();
            sales.Add(saleId);
            var flood = Flood.Start(workers: 24, seed: round, (r, _) => AttemptAsync(ledger, saleId, buyers[r.Next(buyers.Count)], r));

            await Task.Delay(random.Next(150, 450));
            var victim = random.Next(3);
            var doomed = _lives[victim]!;
            _lives[victim] = null;
            doomed.Server.KillHard();
            _dead.Add(doomed);
            var info = await redis.GetDatabase().StreamPendingAsync(RedisKeys.Outbox(Guid.Parse(saleId)), RedisKeys.PersisterGroup);
            var held = info.Consumers.FirstOrDefault(c => c.Name == doomed.Consumer).PendingMessageCount;
            deadConsumers.Add((doomed.Consumer, saleId, held));

            // The other two keep selling while the victim comes back (a cold start on a shared 2-core box).
            var restarting = Stopwatch.StartNew();
            var soldBefore = ledger.Count(HttpStatusCode.Created);
            await StartAsync(victim);
            restarts.Add(restarting.Elapsed);
            var soldWhileDown = ledger.Count(HttpStatusCode.Created) - soldBefore;
            soldDuringOutages.Add(soldWhileDown);
            await Task.Delay(300);
            await flood.StopAsync();
            output.WriteLine($"round {round + 1}: killed instance {victim} ({doomed.Consumer}, {held} outbox entries delivered to it and unacknowledged), back in {restarting.ElapsedMilliseconds} ms; {soldWhileDown} confirmed by the other two meanwhile");
        }

        var checks = new List<SaleCheck>();
        foreach (var saleId in sales)
        {
            checks.Add(await ledger.VerifyAsync(Admin(), saleId, Stock, Limit,
                () => redis.GetDatabase().StreamLengthAsync(RedisKeys.Outbox(Guid.Parse(saleId))), TimeSpan.FromSeconds(30)));
        }

        // The dead consumers' entries were taken over: none is still pending for a dead name.
        foreach (var (consumer, saleId, pendingAtKill) in deadConsumers)
        {
            var info = await redis.GetDatabase().StreamPendingAsync(RedisKeys.Outbox(Guid.Parse(saleId)), RedisKeys.PersisterGroup);
            Assert.Equal(0, info.Consumers.FirstOrDefault(c => c.Name == consumer).PendingMessageCount);
        }

        if (deadConsumers.Any(d => d.PendingAtKill > 0))
        {
            Assert.Contains(_lives.Select(l => l!.Server).Concat(_dead.Select(d => d.Server)), s => s.Output.Contains("Claimed", StringComparison.Ordinal));
        }

        // The others kept selling while one was down.
        Assert.All(soldDuringOutages, n => Assert.True(n > 0, "no purchase confirmed while an instance was down"));
        output.WriteLine($"{rounds} rounds; {ledger.Summary()}");
        output.WriteLine($"restart (kill → live): {string.Join(", ", restarts.Select(r => $"{r.TotalMilliseconds:F0} ms"))}");
        output.WriteLine($"dead consumers holding entries at the kill: {deadConsumers.Count(d => d.PendingAtKill > 0)} of {deadConsumers.Count} "
            + $"({deadConsumers.Sum(d => d.PendingAtKill)} entries), all claimed");
        foreach (var (check, i) in checks.Select((c, i) => (c, i)))
        {
            output.WriteLine($"sale {i + 1}: {check}");
        }
    }

    /// <summary>One buyer, one key: sent to a random live instance; when the connection dies, the same key is tried on the next.</summary>
    private async Task AttemptAsync(DistributedAckLedger ledger, string saleId, (string UserId, string Token) buyer, Random random)
    {
        var key = $"k{random.Next():x}{random.Next():x}";
        var start = random.Next(3);
        for (var attempt = 0; attempt < 12; attempt++)
        {
            var life = _lives[(start + attempt) % 3];
            if (life is null)
            {
                continue;
            }

            var clock = Stopwatch.StartNew();
            try
            {
                using var response = await new Api(life.Client, buyer.Token).PurchaseAsync(saleId, 1, key);
                await ledger.RecordAsync(saleId, buyer.UserId, 1, response, clock.Elapsed);
                return;
            }
            catch (HttpRequestException)
            {
                // Killed under this request (or not accepting yet): the outcome is unknown; ask another instance.
                ledger.RecordNoAnswer();
                await Task.Delay(100, CancellationToken.None);
            }
        }
    }

    private async Task WarmUpAsync(Api admin, List<(string UserId, string Token)> buyers)
    {
        var warmSale = (await admin.CreateSaleAsync(stock: 1000, perUserLimit: 1))["id"]!.GetValue<string>();
        foreach (var life in _lives)
        {
            var client = new Api(life!.Client);
            await Task.WhenAll(buyers.Take(20).Select(async b =>
            {
                using var response = await client.WithToken(b.Token).PurchaseAsync(warmSale, 1, $"warm-{life.Consumer}");
                Assert.True(response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.Conflict);
            }));
        }
    }

    private async Task StartAsync(int index)
    {
        var consumer = $"instance{index}-life{Interlocked.Increment(ref _born)}";
        var environment = _storage.Environment();
        environment.Remove("Storage__DataPath");
        environment["Auth__SigningKey"] = SigningKey;
        environment["Distributed__ConsumerName"] = consumer;
        // A fault drill floods from one address: rate limits would answer instead of the store.
        environment["RateLimiting__Enabled"] = "false";
        var server = await ServerProcess.StartAsync(Path.Combine(_storage.DataPath, consumer), environment);
        var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 })
        {
            BaseAddress = server.BaseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };
        _lives[index] = new Life(server, client, consumer);
    }

    private sealed record Life(ServerProcess Server, HttpClient Client, string Consumer);
}
