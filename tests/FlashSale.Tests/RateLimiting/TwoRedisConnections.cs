using StackExchange.Redis;

namespace FlashSale.Tests.RateLimiting;

/// <summary>
/// Two connections to the test Redis (FLASHSALE_TEST_REDIS; missing is a failure, not a skip), standing for two
/// server instances. Tests use rule names of their own (<see cref="UniqueName"/>), so their keys are their own.
/// </summary>
public abstract class TwoRedisConnections : IAsyncLifetime
{
    private readonly List<IDisposable> _owned = [];

    protected ConnectionMultiplexer First { get; private set; } = null!;

    protected ConnectionMultiplexer Second { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var address = Environment.GetEnvironmentVariable("FLASHSALE_TEST_REDIS");
        if (string.IsNullOrWhiteSpace(address))
        {
            throw new InvalidOperationException(
                "FLASHSALE_TEST_REDIS is not set: run `scripts/services.sh start redis` and `eval \"$(scripts/services.sh env)\"`, or scripts/test.sh.");
        }

        First = await ConnectionMultiplexer.ConnectAsync(address);
        Second = await ConnectionMultiplexer.ConnectAsync(address);
    }

    public async Task DisposeAsync()
    {
        _owned.ForEach(owned => owned.Dispose());
        await First.DisposeAsync();
        await Second.DisposeAsync();
    }

    /// <summary>Something the test makes (a limiter with its sweep timer), disposed with the connections.</summary>
    protected T Owned<T>(T disposable) where T : IDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }

    protected static string UniqueName() => "t" + Guid.NewGuid().ToString("N")[..12];
}
