using Microsoft.Extensions.DependencyInjection;

namespace FlashSale.Tests.Infrastructure;

/// <summary>
/// A server on a Redis of its own, started for the test class (which may stop, kill or pause it without touching the
/// Redis other tests share), and on the shared PostgreSQL. <paramref name="settings"/> is given the Redis address.
/// </summary>
public abstract class OwnRedisAppTest(Func<string, Dictionary<string, string?>>? settings = null, Action<IServiceCollection>? services = null)
    : IAsyncLifetime
{
    protected RedisServerProcess Redis { get; } = new();

    protected TestStorage Storage { get; private set; } = null!;

    protected TestApp App { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Redis.StartAsync();
        Storage = TestStorage.Create(StorageKind.Redis, redisOverride: Redis.Address);
        App = new TestApp(storage: Storage, settings: settings?.Invoke(Redis.Address), services: services);
    }

    // Null-safe and in a finally: when InitializeAsync failed half-way, the Redis it started is still stopped.
    public async Task DisposeAsync()
    {
        try
        {
            if (App is not null)
            {
                await App.DisposeAsync();
            }

            if (Storage is not null)
            {
                await Storage.DisposeAsync();
            }
        }
        finally
        {
            await Redis.DisposeAsync();
        }
    }
}
