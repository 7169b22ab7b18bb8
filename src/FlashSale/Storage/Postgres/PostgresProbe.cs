using System.Runtime.ExceptionServices;
using FlashSale.Operations;

namespace FlashSale.Storage.Postgres;

/// <summary>Ready when PostgreSQL answers a query on a pooled connection.</summary>
internal sealed class PostgresProbe(PostgresOrderRecord record) : IStoreProbe
{
    public string Name => "postgres";

    public async Task CheckAsync(CancellationToken ct)
    {
        // The caller's bound is waited on, not handed to Npgsql: a cancelled command blocks a thread until a stalled
        // server closes the cancel request's connection (PostgresOrderRecord.ExistsWithinAsync).
        if (await record.PingUncancelledAsync().WaitAsync(ct) is { } failure)
        {
            ExceptionDispatchInfo.Throw(failure);
        }
    }
}
