using FlashSale.Storage.Redis;
using FlashSale.Tests.Infrastructure;
using StackExchange.Redis;

namespace FlashSale.Tests.Distributed;

/// <summary>
/// An outbox entry as purchase.lua writes it (one packed field, the username measured in bytes) reads back
/// into the order that was decided, whatever the username and key contain; entries in the older
/// one-field-per-value form still read. Against the real Redis of scripts/services.sh.
/// </summary>
public sealed class OutboxEntryTests : IAsyncLifetime
{
    private readonly TestStorage _storage = TestStorage.Create(StorageKind.Redis);
    private readonly Guid _sale = Guid.CreateVersion7();
    private readonly List<RedisKey> _keys = [];
    private ConnectionMultiplexer _redis = null!;

    public async Task InitializeAsync() => _redis = await ConnectionMultiplexer.ConnectAsync(_storage.RedisConfiguration);

    [Theory]
    [InlineData(null, "Ada", null)]
    [InlineData(null, "Zoë | Ünïcødé 🛒", "key|with|bars")]
    [InlineData(null, "|", "|")]
    [InlineData(null, "7|", "ключ-9")]
    // An external provider's subject: Auth0 writes "auth0|<id>", and the earlier form split the entry on that bar.
    [InlineData("auth0|5f7c8ec7c33c6c004bbafe82", "Ada", "k-1")]
    [InlineData("|ü|7|", "|", "|")]
    public async Task WhatTheScriptAppends_ReadsBackAsTheDecidedOrder(string? subject, string username, string? key)
    {
        var now = DateTimeOffset.UtcNow;
        var orderId = Guid.CreateVersion7();
        var userId = subject ?? Guid.CreateVersion7().ToString("D");

        var entry = await DecideAsync(now, orderId, userId, username, key, epoch: 7);
        Assert.Equal("e", Assert.Single(entry.Values).Name);
        var decided = OutboxEntry.Parse(_sale, entry);

        Assert.Equal(7, decided.Epoch);
        Assert.True(decided.LimitOne);
        Assert.Equal(orderId, decided.Order.Id);
        Assert.Equal(_sale, decided.Order.SaleId);
        Assert.Equal(userId, decided.Order.UserId);
        Assert.Equal(username, decided.Order.Username);
        Assert.Equal(1, decided.Order.Quantity);
        Assert.Equal(12.5m, decided.Order.UnitPrice);
        Assert.Equal("EUR", decided.Order.Currency);
        Assert.Equal(now.ToUnixTimeMilliseconds(), decided.Order.PurchasedAt.ToUnixTimeMilliseconds());
        Assert.Equal(49, decided.Order.RemainingAfter);
        Assert.Equal(key, decided.Order.IdempotencyKey);
    }

    [Fact]
    public async Task AStateBuiltBeforeEpochs_DecidesUnderEpochZero()
    {
        var entry = await DecideAsync(DateTimeOffset.UtcNow, Guid.CreateVersion7(), "u-1", "Ada", key: null, epoch: null);

        // The record's epoch of every sale migration 6 found: such a state's orders are recorded until it is rebuilt.
        Assert.Equal(0, OutboxEntry.Parse(_sale, entry).Epoch);
    }

    /// <summary>
    /// One unit decided by purchase.lua on a sale of 50 at 12.50 EUR, limit 1, open now, whose state carries
    /// <paramref name="epoch"/> (none: a state built before migration 6); the one outbox entry it appended.
    /// </summary>
    private async Task<StreamEntry> DecideAsync(DateTimeOffset now, Guid orderId, string userId, string username, string? key, long? epoch)
    {
        var db = _redis.GetDatabase();
        HashEntry[] meta =
        [
            new("total", 50), new("limit", 1), new("starts", now.AddMinutes(-1).ToUnixTimeMilliseconds()),
            new("ends", now.AddHours(1).ToUnixTimeMilliseconds()), new("price", "12.5"), new("currency", "EUR"),
        ];
        await db.HashSetAsync(RedisKeys.Meta(_sale), epoch is { } e ? [.. meta, new("epoch", e)] : meta);
        await db.StringSetAsync(RedisKeys.Stock(_sale), 50);

        var keyKey = key is null ? RedisKeys.NoIdempotency(_sale) : RedisKeys.Idempotency(_sale, userId, key);
        _keys.Add(keyKey);
        var reply = (string[])(await new LedgerScripts().Purchase.EvaluateAsync(db,
            [RedisKeys.Meta(_sale), RedisKeys.Stock(_sale), RedisKeys.Buyers(_sale), keyKey, RedisKeys.Outbox(_sale)],
            [userId, username, 1, now.ToUnixTimeMilliseconds(), orderId.ToString("D"), key is null ? 0 : 1, 60, key ?? ""]))!;
        Assert.Equal("ok", reply[0]);
        var entry = Assert.Single(await db.StreamRangeAsync(RedisKeys.Outbox(_sale)));
        Assert.Equal(entry.Id.ToString(), reply[5]); // the entry's id, which a 202 pending checks first
        return entry;
    }

    [Fact]
    public void AnEntryOfTheMeasuredFormBeforeEpochs_StillReads_Unfenced()
    {
        var orderId = Guid.CreateVersion7();
        var entry = new StreamEntry("1-0", [new("m", $"{orderId:D}|2|1764806400000|8|19.99|EUR|1|3|3|u-1Adak-1")]);

        var decided = OutboxEntry.Parse(_sale, entry);

        Assert.Equal((orderId, "u-1", "Ada", 2, 19.99m, 8, "k-1"), (decided.Order.Id, decided.Order.UserId, decided.Order.Username,
            decided.Order.Quantity, decided.Order.UnitPrice, decided.Order.RemainingAfter, decided.Order.IdempotencyKey));
        Assert.Null(decided.Epoch);
    }

    [Fact]
    public void AnEntryOfTheOlderForm_StillReads()
    {
        var orderId = Guid.CreateVersion7();
        var entry = new StreamEntry("1-0",
        [
            new("o", orderId.ToString("D")), new("u", "u-1"), new("n", "Ada"), new("q", "2"), new("p", "19.99"),
            new("c", "EUR"), new("t", 1_764_806_400_000), new("r", "8"), new("k", "k-1"), new("l", "0"),
        ]);

        var decided = OutboxEntry.Parse(_sale, entry);

        Assert.Equal((orderId, "u-1", "Ada", 2, 19.99m, 8, "k-1"), (decided.Order.Id, decided.Order.UserId, decided.Order.Username,
            decided.Order.Quantity, decided.Order.UnitPrice, decided.Order.RemainingAfter, decided.Order.IdempotencyKey));
        Assert.False(decided.LimitOne);
    }

    [Fact]
    public void AnEntryOfTheEarlierPackedForm_StillReads()
    {
        var orderId = Guid.CreateVersion7();
        var entry = new StreamEntry("1-0", [new("d", $"{orderId:D}|u-1|2|1764806400000|8|19.99|EUR|1|3|Adak-1")]);

        var decided = OutboxEntry.Parse(_sale, entry);

        Assert.Equal((orderId, "u-1", "Ada", 2, 19.99m, 8, "k-1"), (decided.Order.Id, decided.Order.UserId, decided.Order.Username,
            decided.Order.Quantity, decided.Order.UnitPrice, decided.Order.RemainingAfter, decided.Order.IdempotencyKey));
        Assert.True(decided.LimitOne);
    }

    [Theory]
    [InlineData("e", "|2|1764806400000|8|19.99|EUR|0|3|99|u-1Ada")]
    [InlineData("m", "|2|1764806400000|8|19.99|EUR|0|3|99|u-1Ada")]
    [InlineData("d", "|u|1|1764806400000|8|19.99|EUR|0|99|short")]
    [InlineData("o", "")]
    public void AnUnreadableEntry_StillNamesItsOrder(string field, string afterId)
    {
        var orderId = Guid.CreateVersion7();
        var entry = new StreamEntry("1-0", field switch
        {
            "o" => [new("o", orderId.ToString("D")), new("q", "many")],
            "e" => [new("e", "3|" + orderId.ToString("D") + afterId)],
            _ => [new(field, orderId.ToString("D") + afterId)],
        });

        Assert.ThrowsAny<FormatException>(() => OutboxEntry.Parse(_sale, entry));
        Assert.Equal(orderId, OutboxEntry.TryReadOrderId(entry));
        Assert.Null(OutboxEntry.TryReadOrderId(new StreamEntry("1-0", [new("d", "not|an|entry")])));
    }

    [Theory]
    [InlineData("d", "not-a-packed-entry")]
    [InlineData("d", "0190a000-0000-7000-8000-000000000001|u|1|1764806400000|8|19.99|EUR|0|99|short")]
    [InlineData("m", "not-a-packed-entry")]
    [InlineData("m", "0190a000-0000-7000-8000-000000000001|1|1764806400000|8|19.99|EUR|0|3|99|u-1short")]
    [InlineData("m", "0190a000-0000-7000-8000-000000000001|1|1764806400000|8|19.99|EUR|0|-1|3|u-1Ada")]
    [InlineData("e", "0190a000-0000-7000-8000-000000000001|1|1764806400000|8|19.99|EUR|0|3|3|u-1Ada")]
    [InlineData("e", "x|0190a000-0000-7000-8000-000000000001|1|1764806400000|8|19.99|EUR|0|3|3|u-1Ada")]
    public void AMalformedEntry_IsAFormatError(string field, string packed) =>
        Assert.ThrowsAny<FormatException>(() => OutboxEntry.Parse(_sale, new StreamEntry("1-0", [new(field, packed)])));

    public async Task DisposeAsync()
    {
        await _redis.GetDatabase().KeyDeleteAsync(
            [RedisKeys.Meta(_sale), RedisKeys.Stock(_sale), RedisKeys.Buyers(_sale), RedisKeys.Outbox(_sale), .. _keys]);
        await _redis.DisposeAsync();
        await _storage.DisposeAsync();
    }
}
