using FlashSale.Orders;
using Microsoft.Data.Sqlite;
using static FlashSale.Storage.Embedded.SqliteValues;

namespace FlashSale.Storage.Embedded;

/// <summary>A write the group committer applies inside its batch transaction.</summary>
internal abstract class LedgerWrite
{
    private readonly TaskCompletionSource<int> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes with the rows changed once the batch holding this write is committed.</summary>
    public Task<int> Committed => _done.Task;

    public abstract int Apply(SqliteConnection connection, SqliteTransaction tx);

    public void Succeed(int rows) => _done.TrySetResult(rows);

    public void Fail(Exception error) => _done.TrySetException(error);
}

internal sealed class InsertOrder(Order order) : LedgerWrite
{
    public override int Apply(SqliteConnection connection, SqliteTransaction tx)
    {
        using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = """
            INSERT INTO orders (id, sale_id, user_id, username, quantity, unit_price_minor, currency, purchased_at,
                                remaining_after, idempotency_key, status)
            VALUES ($id, $sale, $user, $username, $quantity, $price, $currency, $at, $remaining, $key, 0)
            """;
        Add(command, "$id", Id(order.Id));
        Add(command, "$sale", Id(order.SaleId));
        Add(command, "$user", order.UserId);
        Add(command, "$username", order.Username);
        Add(command, "$quantity", order.Quantity);
        Add(command, "$price", ToMinor(order.UnitPrice));
        Add(command, "$currency", order.Currency);
        Add(command, "$at", ToMs(order.PurchasedAt));
        Add(command, "$remaining", order.RemainingAfter);
        Add(command, "$key", order.IdempotencyKey);
        return command.ExecuteNonQuery();
    }
}

internal sealed class CancelOrder(Guid orderId, DateTimeOffset at, string by) : LedgerWrite
{
    public override int Apply(SqliteConnection connection, SqliteTransaction tx)
    {
        using var command = connection.CreateCommand();
        command.Transaction = tx;
        // Only a confirmed order changes: a second cancel changes no row and returns no stock.
        command.CommandText = """
            UPDATE orders SET status = 2, cancelled_at = $at, cancelled_by = $by
            WHERE id = $id AND status = 0
            """;
        Add(command, "$id", Id(orderId));
        Add(command, "$at", ToMs(at));
        Add(command, "$by", by);
        return command.ExecuteNonQuery();
    }
}

/// <summary>Development reset: every order and sale, and the aggregates, in one transaction behind queued writes.</summary>
internal sealed class WipeRecord : LedgerWrite
{
    public override int Apply(SqliteConnection connection, SqliteTransaction tx)
    {
        using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = """
            DELETE FROM orders;
            DELETE FROM sales;
            DELETE FROM sale_totals;
            DELETE FROM daily_totals;
            DELETE FROM buyer_totals;
            UPDATE stats_counters SET unique_buyers = 0;
            """;
        return command.ExecuteNonQuery();
    }
}
