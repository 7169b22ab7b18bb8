using FlashSale.Storage;
using FlashSale.Storage.Embedded;
using FlashSale.Storage.Postgres;
using FlashSale.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FlashSale.Tests.Storage;

/// <summary>
/// The migrations that add the credential stamp (SQLite step 5, PostgreSQL 0007) give every account that existed
/// before its own random stamp: 32 hex digits, as CredentialStamps.New makes them, none shared, none empty.
/// </summary>
public sealed class SqliteCredentialStampMigrationTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("flashsale-stamps-").FullName;
    private readonly SqliteDatabase _db;
    private readonly SqliteConnection _writer;

    public SqliteCredentialStampMigrationTests()
    {
        _db = new SqliteDatabase(Options.Create(new StorageOptions { DataPath = _folder }));
        _writer = _db.OpenWriter();
    }

    [Fact]
    public void ExistingAccounts_EachGetARandomStamp()
    {
        SqliteMigrations.Apply(_writer, upTo: 4);
        for (var i = 0; i < 3; i++)
        {
            using var insert = _writer.CreateCommand();
            insert.CommandText = $"INSERT INTO accounts (id, username, password_hash, role, created_at) VALUES ('{Guid.NewGuid()}', 'user{i}', 'h', 'buyer', 0)";
            insert.ExecuteNonQuery();
        }

        SqliteMigrations.Apply(_writer);

        using var read = _writer.CreateCommand();
        read.CommandText = "SELECT credential_stamp FROM accounts";
        using var reader = read.ExecuteReader();
        var stamps = new List<string>();
        while (reader.Read())
        {
            stamps.Add(reader.GetString(0));
        }

        CredentialStampAssert.EachRandom(stamps, 3);
    }

    public void Dispose()
    {
        _writer.Dispose();
        _db.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}

public sealed class PostgresCredentialStampMigrationTests : RecordDatabaseTest
{
    [Fact]
    public async Task ExistingAccounts_EachGetARandomStamp()
    {
        await PostgresMigrations.ApplyAsync(Db, NullLogger.Instance, upTo: 6, CancellationToken.None);
        for (var i = 0; i < 3; i++)
        {
            await ExecuteAsync($"INSERT INTO accounts (id, username, password_hash, role, created_at) VALUES ('{Guid.NewGuid()}', 'user{i}', 'h', 'buyer', now())");
        }

        await PostgresMigrations.ApplyAsync(Db, NullLogger.Instance, CancellationToken.None);

        await using var read = Db.CreateCommand("SELECT credential_stamp FROM accounts");
        await using var reader = await read.ExecuteReaderAsync();
        var stamps = new List<string>();
        while (await reader.ReadAsync())
        {
            stamps.Add(reader.GetString(0));
        }

        CredentialStampAssert.EachRandom(stamps, 3);
    }
}

internal static class CredentialStampAssert
{
    public static void EachRandom(List<string> stamps, int count)
    {
        Assert.Equal(count, stamps.Count);
        Assert.Equal(count, stamps.Distinct(StringComparer.Ordinal).Count());
        Assert.All(stamps, s => Assert.Matches("^[0-9a-f]{32}$", s));
        Assert.Matches("^[0-9a-f]{32}$", FlashSale.Accounts.CredentialStamps.New());
    }
}
