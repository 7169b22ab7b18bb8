using FlashSale.Storage.Redis;
using FlashSale.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FlashSale.Tests.Distributed;

/// <summary>
/// Each instance reads the outbox under a consumer name of its own. A blank <c>Distributed:ConsumerName</c> (an empty
/// variable in a deployment template) was kept as "" (until 2026-12-06), so every instance so configured shared one
/// name: each read the others' delivered entries as its own pending ones and wrote them again while they were committing.
/// </summary>
public sealed class ConsumerNameTests
{
    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task ABlankName_IsAGeneratedOne_DifferentPerInstance(string blank)
    {
        var settings = new Dictionary<string, string?> { ["Distributed:ConsumerName"] = blank };
        await using var first = new TestApp(kind: StorageKind.Redis, settings: settings);
        await using var second = new TestApp(kind: StorageKind.Redis, storage: first.Storage, settings: settings);

        var names = new[] { first, second }.Select(app => app.Services.GetRequiredService<OutboxPersister>().Consumer).ToList();

        Assert.All(names, name => Assert.False(string.IsNullOrWhiteSpace(name)));
        Assert.NotEqual(names[0], names[1]);
    }

    [Fact]
    public async Task AGivenName_IsKept()
    {
        await using var app = new TestApp(kind: StorageKind.Redis, settings: new Dictionary<string, string?> { ["Distributed:ConsumerName"] = "instance-a" });

        Assert.Equal("instance-a", app.Services.GetRequiredService<OutboxPersister>().Consumer);
    }
}
