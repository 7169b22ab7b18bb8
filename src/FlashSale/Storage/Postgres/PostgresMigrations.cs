using Npgsql;

namespace FlashSale.Storage.Postgres;

/// <summary>
/// Versioned schema from the embedded <c>Migrations/NNNN_name.sql</c> files: each runs once, in
/// order, in its own transaction. A session advisory lock serialises instances starting together.
/// </summary>
internal static partial class PostgresMigrations
{
    // Any constant both sides agree on: "FLSH" in ASCII.
    private const long LockKey = 0x464C5348;

    public static Task ApplyAsync(NpgsqlDataSource dataSource, ILogger log, CancellationToken ct) =>
        ApplyAsync(dataSource, log, int.MaxValue, ct);

    /// <summary>Applies the versions up to <paramref name="upTo"/> (tests start from an older schema).</summary>
    internal static async Task ApplyAsync(NpgsqlDataSource dataSource, ILogger log, int upTo, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await Execute(connection, $"SELECT pg_advisory_lock({LockKey})", ct);
        try
        {
            await Execute(connection, "CREATE TABLE IF NOT EXISTS schema_version (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())", ct);
            await using var read = new NpgsqlCommand("SELECT COALESCE(MAX(version), 0) FROM schema_version", connection);
            var current = Convert.ToInt32(await read.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
            foreach (var (version, name, sql) in Steps().Where(s => s.Version > current && s.Version <= upTo))
            {
                await using var tx = await connection.BeginTransactionAsync(ct);
                await using (var step = new NpgsqlCommand(sql, connection, tx))
                {
                    await step.ExecuteNonQueryAsync(ct);
                }

                await using (var record = new NpgsqlCommand("INSERT INTO schema_version (version) VALUES ($1)", connection, tx))
                {
                    record.Parameters.AddWithValue(version);
                    await record.ExecuteNonQueryAsync(ct);
                }

                await tx.CommitAsync(ct);
                LogApplied(log, version, name);
            }
        }
        finally
        {
            await Execute(connection, $"SELECT pg_advisory_unlock({LockKey})", CancellationToken.None);
        }
    }

    private static IEnumerable<(int Version, string Name, string Sql)> Steps()
    {
        var assembly = typeof(PostgresMigrations).Assembly;
        const string prefix = "FlashSale.Storage.Postgres.Migrations.";
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            var name = resource[prefix.Length..^".sql".Length];
            var version = int.Parse(name[..4], System.Globalization.CultureInfo.InvariantCulture);
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            yield return (version, name, reader.ReadToEnd());
        }
    }

    private static async Task Execute(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "PostgreSQL schema migrated to version {Version} ({Name})")]
    private static partial void LogApplied(ILogger log, int version, string name);
}
