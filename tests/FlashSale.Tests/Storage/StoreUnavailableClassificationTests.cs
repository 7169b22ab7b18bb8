using System.Net.Sockets;
using FlashSale.Storage;
using Microsoft.Data.Sqlite;
using Npgsql;
using StackExchange.Redis;

namespace FlashSale.Tests.Storage;

/// <summary>Which store failures are a dependency down (503 + Retry-After) and which stay the code's own errors (500).</summary>
public sealed class StoreUnavailableClassificationTests
{
    public static TheoryData<string, Exception> Unavailable => new()
    {
        { "PostgreSQL unreachable", new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused)) },
        { "PostgreSQL timing out", new NpgsqlException("Exception while reading from stream", new TimeoutException()) },
        { "PostgreSQL shutting down", new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", "57P01") },
        { "PostgreSQL out of connections", new PostgresException("sorry, too many clients already", "FATAL", "FATAL", "53300") },
        { "Redis unreachable", new RedisConnectionException(ConnectionFailureType.UnableToConnect, "No connection is available") },
        { "Redis timing out", new RedisTimeoutException("Timeout performing EVALSHA", CommandStatus.Sent) },
        { "Redis loading its data", new RedisServerException("LOADING Redis is loading the dataset in memory") },
        { "Redis Cluster down", new RedisServerException("CLUSTERDOWN The cluster is down") },
        { "SQLite busy", new SqliteException("database is locked", 5) },
        { "SQLite disk full", new SqliteException("database or disk is full", 13) },
        { "PostgreSQL known down", new StoreUnavailableException("PostgreSQL is not answering.") },
    };

    public static TheoryData<string, Exception> TheCodesOwn => new()
    {
        { "a PostgreSQL syntax error", new PostgresException("syntax error at or near \"SELEC\"", "ERROR", "ERROR", "42601") },
        { "a PostgreSQL unique violation", new PostgresException("duplicate key value", "ERROR", "ERROR", "23505") },
        { "a Redis script error", new RedisServerException("ERR Error running script") },
        { "a SQLite constraint", new SqliteException("UNIQUE constraint failed", 19) },
        { "a bug", new InvalidOperationException("Unknown outcome.") },
    };

    [Theory]
    [MemberData(nameof(Unavailable))]
    public void AStoreThatCannotBeReached_IsUnavailable(string what, Exception failure) =>
        Assert.True(StoreUnavailableExceptionHandler.IsStoreUnavailable(failure), what);

    [Theory]
    [MemberData(nameof(TheCodesOwn))]
    public void AnErrorOfTheCodeOrTheData_IsNot(string what, Exception failure) =>
        Assert.False(StoreUnavailableExceptionHandler.IsStoreUnavailable(failure), what);
}
