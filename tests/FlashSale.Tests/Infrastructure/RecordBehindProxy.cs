using Npgsql;

namespace FlashSale.Tests.Infrastructure;

/// <summary>
/// Distributed storage (single Redis) whose PostgreSQL the server reaches through a
/// <see cref="TcpProxy"/>, so a test can cut or stall the system of record under a running server.
/// </summary>
public sealed class RecordBehindProxy : IAsyncDisposable
{
    private RecordBehindProxy(TestStorage storage, TcpProxy proxy, TestApp app)
    {
        Storage = storage;
        Proxy = proxy;
        App = app;
    }

    public TestStorage Storage { get; }

    public TcpProxy Proxy { get; }

    public TestApp App { get; }

    /// <summary>The server's connection string points at the proxy (2 s connect timeout); <paramref name="settings"/> are added.</summary>
    public static RecordBehindProxy Create(IDictionary<string, string?> settings)
    {
        var storage = TestStorage.Create(StorageKind.Redis);
        var target = new NpgsqlConnectionStringBuilder(storage.PostgresConnectionString);
        var proxy = new TcpProxy(target.Host!, target.Port);
        var viaProxy = new NpgsqlConnectionStringBuilder(storage.PostgresConnectionString) { Port = proxy.Port, Timeout = 2 };
        var all = new Dictionary<string, string?>(settings) { ["ConnectionStrings:Postgres"] = viaProxy.ConnectionString };
        return new RecordBehindProxy(storage, proxy, new TestApp(storage: storage, settings: all));
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        await Proxy.DisposeAsync();
        await Storage.DisposeAsync();
    }
}
