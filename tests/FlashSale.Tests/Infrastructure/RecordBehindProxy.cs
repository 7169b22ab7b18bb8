using Microsoft.Extensions.DependencyInjection;
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

    /// <summary>
    /// The server's connection string points at the proxy (2 s connect timeout; <paramref name="connection"/> may change
    /// it further); <paramref name="settings"/> are added.
    /// </summary>
    public static RecordBehindProxy Create(IDictionary<string, string?> settings, Action<IServiceCollection>? services = null,
        Action<NpgsqlConnectionStringBuilder>? connection = null)
    {
        var storage = TestStorage.Create(StorageKind.Redis);
        var target = new NpgsqlConnectionStringBuilder(storage.PostgresConnectionString);
        var proxy = new TcpProxy(target.Host!, target.Port);
        var viaProxy = new NpgsqlConnectionStringBuilder(storage.PostgresConnectionString) { Port = proxy.Port, Timeout = 2 };
        connection?.Invoke(viaProxy);
        var all = new Dictionary<string, string?>(settings) { ["ConnectionStrings:Postgres"] = viaProxy.ConnectionString };
        return new RecordBehindProxy(storage, proxy, new TestApp(storage: storage, settings: all, services: services));
    }

    /// <summary>
    /// Leaves <paramref name="connections"/> open connections idle in the server's pool, as a busy instance has them: a
    /// stall or a silent server then meets commands on connections already open (a new one fails its 2 s connect timeout).
    /// </summary>
    public async Task FillPoolAsync(int connections)
    {
        var pool = App.Services.GetRequiredService<NpgsqlDataSource>();
        var open = await Task.WhenAll(Enumerable.Range(0, connections).Select(_ => pool.OpenConnectionAsync().AsTask()));
        foreach (var connection in open)
        {
            await connection.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        // A test may end with the record stalled: the server's shutdown would wait on it.
        Proxy.Resume();
        await App.DisposeAsync();
        await Proxy.DisposeAsync();
        await Storage.DisposeAsync();
    }
}
