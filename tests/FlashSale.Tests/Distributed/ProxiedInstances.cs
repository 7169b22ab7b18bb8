using System.Globalization;
using FlashSale.Tests.Infrastructure;
using StackExchange.Redis;

namespace FlashSale.Tests.Distributed;

/// <summary>
/// Two server instances on one storage (the shared Redis and a PostgreSQL database of their own), each reaching Redis
/// through its own <see cref="TcpProxy"/>: a test freezes one instance at a chosen request
/// (<see cref="TcpProxy.StallAtAsync"/>, <see cref="Wire"/>) while the other goes on, so an interleaving across instances
/// happens every run, not by luck.
/// </summary>
public abstract class ProxiedInstances : IAsyncLifetime
{
    protected TestStorage Storage { get; private set; } = null!;

    protected TcpProxy ProxyA { get; private set; } = null!;

    protected TcpProxy ProxyB { get; private set; } = null!;

    protected TestApp A { get; private set; } = null!;

    protected TestApp B { get; private set; } = null!;

    protected Api AdminA { get; private set; } = null!;

    protected Api AdminB { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Storage = TestStorage.Create(StorageKind.Redis);
        var redis = Storage.RedisConfiguration.Split(':');
        (ProxyA, ProxyB) = (new TcpProxy(redis[0], int.Parse(redis[1], CultureInfo.InvariantCulture)),
            new TcpProxy(redis[0], int.Parse(redis[1], CultureInfo.InvariantCulture)));
        A = Instance(ProxyA);
        B = Instance(ProxyB);
        A.StartServer();
        B.StartServer();
        AdminA = await Api.AsAdminAsync(A.CreateClient());
        AdminB = await Api.AsAdminAsync(B.CreateClient());
    }

    private TestApp Instance(TcpProxy proxy) => new(storage: Storage, settings: new Dictionary<string, string?>
    {
        ["ConnectionStrings:Redis"] = $"127.0.0.1:{proxy.Port}",
    });

    public async Task DisposeAsync()
    {
        ProxyA.Resume();
        ProxyB.Resume();
        await A.DisposeAsync();
        await B.DisposeAsync();
        await ProxyA.DisposeAsync();
        await ProxyB.DisposeAsync();
        await Storage.DisposeAsync();
    }

    protected async Task<ConnectionMultiplexer> RedisAsync() => await RedisState.ConnectAsync(Storage);

    /// <summary>The servers' key registry (<c>Distributed:Namespace</c> is the test's database name).</summary>
    protected RedisKey Registry => Storage.Database + ":sales";

    protected static async Task UntilAsync(Func<Task<bool>> condition, string step)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"the scene did not reach '{step}' within 10 s");
            await Task.Delay(10);
        }
    }
}

/// <summary>Values as a request carries them on the wire (RESP bulk strings, one after another): markers for a proxy.</summary>
public static class Wire
{
    public static string Bulk(params string[] values) =>
        string.Concat(values.Select(v => $"${System.Text.Encoding.UTF8.GetByteCount(v)}\r\n{v}\r\n"));
}
