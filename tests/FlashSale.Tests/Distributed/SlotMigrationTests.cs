using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlashSale.Storage.Redis;
using FlashSale.Tests.Admin;
using FlashSale.Tests.Infrastructure;
using StackExchange.Redis;

namespace FlashSale.Tests.Distributed;

/// <summary>
/// A sale's hash slot being moved to another node (resharding): while the slot is MIGRATING, its owner answers a
/// multi-key command that names a key it does not hold (the purchase script always names one: the attempt's
/// idempotency key, or the unused <c>{sale:X}:key:</c>) with <c>TRYAGAIN</c>, for the whole migration. The script did not
/// run. Until 2026-12-06 every purchase was answered 503 <c>outcomeUnknown: true</c> at once ("retry with the same key to
/// learn its outcome"): an audit's 16.6 s migration gave 40,041 of them and no 201. A cluster of its own, two masters.
/// </summary>
public sealed class SlotMigrationTests : IAsyncLifetime
{
    private readonly RedisClusterProcess _cluster = new(masters: 2);
    private TestStorage _storage = null!;
    private TestApp _app = null!;

    public async Task InitializeAsync()
    {
        await _cluster.StartAsync();
        _storage = TestStorage.Create(StorageKind.RedisCluster, redisOverride: _cluster.Configuration);
        _app = new TestApp(storage: _storage);
    }

    public Task DisposeAsync() => _cluster.DisposeWithAsync(_app, _storage);

    [Fact]
    public async Task AMigrationThatLasts_IsAnswered503NothingWasBought_NotOutcomeUnknown()
    {
        var (admin, sale, buyer) = await SaleAsync();
        var (owner, slot) = await MigrateAsync(sale);

        var started = DateTime.UtcNow;
        using var response = await buyer.PurchaseAsync(sale, key: "k-1");
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>();
        var took = DateTime.UtcNow - started;

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Null(problem?["outcomeUnknown"]);
        Assert.Contains("nothing was bought", problem?["detail"]?.GetValue<string>() ?? "", StringComparison.Ordinal);
        // Tried again for about a second (RefusedRetryBudget), not for ever.
        Assert.InRange(took, TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(4));

        await StableAsync(owner, slot);
        using var after = await buyer.PurchaseAsync(sale, key: "k-1");
        Assert.Equal(HttpStatusCode.Created, after.StatusCode);
        Assert.Equal(2, (await admin.AllOrdersAsync(sale)).Count);
    }

    [Fact]
    public async Task AShortMigration_IsRetried_AndTheAttemptSells()
    {
        var (admin, sale, buyer) = await SaleAsync();
        var (owner, slot) = await MigrateAsync(sale);

        // The slot becomes stable only once its owner has refused the attempt (TRYAGAIN), while the attempt is still being
        // tried again: a fixed wait instead tested nothing when the attempt reached Redis after the migration had ended.
        var refusedBefore = await TryAgainsAsync(owner);
        var purchase = buyer.PurchaseAsync(sale);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (await TryAgainsAsync(owner) == refusedBefore)
        {
            Assert.True(DateTime.UtcNow < deadline, "the slot's owner refused no attempt with TRYAGAIN within 10 s");
            await Task.Delay(5);
        }

        Assert.False(purchase.IsCompleted, "the attempt was answered before the migration ended: it was not tried again past it");
        await StableAsync(owner, slot);
        using var response = await purchase;

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(2, (await admin.AllOrdersAsync(sale)).Count);
    }

    [Fact]
    public void TheRefusalsOfAMovingSlot_SayTheScriptDidNotRun()
    {
        foreach (var refusal in new[]
        {
            "TRYAGAIN Multiple keys request during rehashing of slot", "CLUSTERDOWN The cluster is down",
            "READONLY You can't write against a read only replica.", "LOADING Redis is loading the dataset in memory",
            "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.",
            "CROSSSLOT Keys in request don't hash to the same slot", "NOSCRIPT No matching script. Please use EVAL.",
        })
        {
            Assert.True(RedisFailure.IsRefusedBeforeRunning(new RedisServerException(refusal)), refusal);
        }

        // Raised while the script ran: it may have written first.
        Assert.False(RedisFailure.IsRefusedBeforeRunning(new RedisServerException(
            "OOM command not allowed when used memory > 'maxmemory'. script: 1a2b, on @user_script:40.")));
        Assert.False(RedisFailure.IsRefusedBeforeRunning(new RedisServerException("ERR Error running script")));
        Assert.False(RedisFailure.IsRefusedBeforeRunning(new RedisConnectionException(ConnectionFailureType.SocketClosed, "closed")));
        Assert.False(RedisFailure.IsRefusedForAMoment(new RedisServerException("CROSSSLOT Keys in request don't hash to the same slot")));
        Assert.True(RedisFailure.IsRefusedForAMoment(new RedisServerException("TRYAGAIN Multiple keys request during rehashing of slot")));
    }

    private async Task<(Api Admin, string Sale, Api Buyer)> SaleAsync()
    {
        var admin = await Api.AsAdminAsync(_app.CreateClient());
        var sale = (await admin.CreateSaleAsync(stock: 5)).Id();
        var buyer = admin.WithToken((await admin.MintBuyersAsync(1))[0].Token);
        // The sale's state is in Redis before the slot moves: one unit sold to someone else.
        var other = admin.WithToken((await admin.MintBuyersAsync(1))[0].Token);
        using var first = await other.PurchaseAsync(sale);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        return (admin, sale, buyer);
    }

    /// <summary>The sale's slot MIGRATING from its owner to the other node (no key moved yet, as at a migration's start).</summary>
    private async Task<(int Owner, int Slot)> MigrateAsync(string sale)
    {
        var slot = await _cluster.SlotOfAsync(RedisKeys.Meta(Guid.Parse(sale)).ToString());
        var owner = _cluster.OwnerOf(slot);
        var target = await _cluster.IdAsync(1 - owner);
        Assert.Equal("OK", await _cluster.CliAsync(owner, "CLUSTER", "SETSLOT", slot.ToString(CultureInfo.InvariantCulture), "MIGRATING", target));
        return (owner, slot);
    }

    /// <summary>How many commands the node has refused with TRYAGAIN (INFO errorstats; none yet: 0).</summary>
    private async Task<long> TryAgainsAsync(int node)
    {
        const string field = "errorstat_TRYAGAIN:count=";
        var line = (await _cluster.CliAsync(node, "INFO", "errorstats")).Split('\n')
            .Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line[field.Length..], CultureInfo.InvariantCulture);
    }

    private async Task StableAsync(int owner, int slot) =>
        Assert.Equal("OK", await _cluster.CliAsync(owner, "CLUSTER", "SETSLOT", slot.ToString(CultureInfo.InvariantCulture), "STABLE"));
}
