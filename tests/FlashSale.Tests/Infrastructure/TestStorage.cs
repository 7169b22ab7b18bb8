using Npgsql;

namespace FlashSale.Tests.Infrastructure;

public enum StorageKind
{
    Embedded,
    /// <summary>Single Redis (FLASHSALE_TEST_REDIS) + PostgreSQL (FLASHSALE_TEST_POSTGRES).</summary>
    Redis,
    /// <summary>3-master Redis Cluster (FLASHSALE_TEST_REDIS_CLUSTER) + PostgreSQL.</summary>
    RedisCluster,
}

/// <summary>
/// The storage one test owns: a data folder, and for the distributed kinds its own PostgreSQL
/// database (flashsale_test_&lt;random&gt;) and Redis namespace. Sales have fresh ids, so tests
/// share the Redis servers without meeting. Several servers (a restart, N instances) may use it.
/// </summary>
public sealed class TestStorage : IAsyncDisposable
{
    private TestStorage(StorageKind kind)
    {
        Kind = kind;
        var id = Guid.NewGuid().ToString("N")[..12];
        DataPath = Path.Combine(Path.GetTempPath(), "flashsale-tests", id);
        Database = $"flashsale_test_{id}";
    }

    public StorageKind Kind { get; }

    public string DataPath { get; }

    public string Database { get; }

    public bool IsDistributed => Kind != StorageKind.Embedded;

    /// <summary>The Redis seed list the servers use (one node or the cluster's masters).</summary>
    public string RedisConfiguration { get; private set; } = "";

    public string PostgresConnectionString { get; private set; } = "";

    public static TestStorage Create(StorageKind kind, string? redisOverride = null)
    {
        var storage = new TestStorage(kind);
        if (storage.IsDistributed)
        {
            storage.RedisConfiguration = redisOverride
                ?? Environment(kind == StorageKind.Redis ? "FLASHSALE_TEST_REDIS" : "FLASHSALE_TEST_REDIS_CLUSTER");
            var server = Environment("FLASHSALE_TEST_POSTGRES");
            using (var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server) { Database = "postgres", Pooling = false }.ConnectionString))
            {
                admin.Open();
                using var create = new NpgsqlCommand($"CREATE DATABASE {storage.Database}", admin);
                create.ExecuteNonQuery();
            }

            storage.PostgresConnectionString = new NpgsqlConnectionStringBuilder(server)
            {
                Database = storage.Database,
                MaxPoolSize = 50,
            }.ConnectionString;
        }

        return storage;
    }

    /// <summary>Server settings (configuration keys) for this storage.</summary>
    public Dictionary<string, string?> Settings() => IsDistributed
        ? new()
        {
            ["Storage:DataPath"] = DataPath,
            ["Storage:Mode"] = "Distributed",
            ["ConnectionStrings:Redis"] = RedisConfiguration,
            ["ConnectionStrings:Postgres"] = PostgresConnectionString,
            ["Distributed:Namespace"] = Database,
            ["Distributed:ClaimIdle"] = "00:00:01",
        }
        : new() { ["Storage:DataPath"] = DataPath };

    /// <summary>The same settings as environment variables, for child server processes.</summary>
    public Dictionary<string, string> Environment() =>
        Settings().ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value ?? "");

    public NpgsqlConnection OpenDatabase()
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(PostgresConnectionString) { Pooling = false }.ConnectionString);
        connection.Open();
        return connection;
    }

    public async Task<long> ScalarAsync(string sql)
    {
        await using var connection = OpenDatabase();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// The batches whose stats are still to be folded (<c>stats_pending</c>), polled every 100 ms until none is left or
    /// <paramref name="within"/> has passed: the persister folds them beside its batches, so a test that reads the totals
    /// waits for that first. Returns the last count (0 once caught up).
    /// </summary>
    public async Task<long> StatsPendingAfterCatchUpAsync(TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        long pending;
        do
        {
            await Task.Delay(100);
            pending = await ScalarAsync("SELECT count(*) FROM stats_pending");
        }
        while (pending != 0 && DateTime.UtcNow < deadline);

        return pending;
    }

    private static string Environment(string name)
    {
        var value = System.Environment.GetEnvironmentVariable(name);
        return string.IsNullOrWhiteSpace(value)
            ? throw new InvalidOperationException(
                $"{name} is not set: the distributed storage tests need Redis, Redis Cluster and PostgreSQL. " +
                "Run scripts/test.sh, or start them with scripts/services.sh start and eval \"$(scripts/services.sh env)\".")
            : value;
    }

    public async ValueTask DisposeAsync()
    {
        if (IsDistributed)
        {
            try
            {
                var server = System.Environment.GetEnvironmentVariable("FLASHSALE_TEST_POSTGRES")!;
                await using var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server) { Database = "postgres", Pooling = false }.ConnectionString);
                await admin.OpenAsync();
                await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Database} WITH (FORCE)", admin);
                await drop.ExecuteNonQueryAsync();
            }
            catch (NpgsqlException)
            {
                // PostgreSQL is down (a failure test): the database is left for the next cleanup.
            }
        }

        try
        {
            Directory.Delete(DataPath, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
