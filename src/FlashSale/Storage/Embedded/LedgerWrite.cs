using FlashSale.Orders;
using static FlashSale.Storage.Embedded.SqliteValues;

namespace FlashSale.Storage.Embedded;

/// <summary>A write the group committer applies inside its batch transaction.</summary>
internal abstract class LedgerWrite
{
    // Continuations run where the write is completed: never on the commit loop, which hands each batch's
    // completions to the thread pool (GroupCommitter.Release), so a caller resumes there at once.
    private readonly TaskCompletionSource<int> _done = new();

    /// <summary>Completes with the rows changed once the batch holding this write is committed.</summary>
    public Task<int> Committed => _done.Task;

    public abstract int Apply(WriterSession session);

    /// <summary>True for a new order: it is past the buyer mark until the next catch-up.</summary>
    public virtual bool AddsOrder => false;

    /// <summary>Runs on the writer after the batch's commit, before any caller is told (in-memory indexes).</summary>
    public virtual void AfterCommit(BuyerOrders buyers)
    {
    }

    public void Succeed(int rows) => _done.TrySetResult(rows);

    public void Fail(Exception error) => _done.TrySetException(error);
}

internal sealed class InsertOrder(Order order) : LedgerWrite
{
    private long _seq;

    public override bool AddsOrder => true;

    public override int Apply(WriterSession session)
    {
        _seq = session.InsertOrder.Run(order);
        return 1;
    }

    public override void AfterCommit(BuyerOrders buyers) => buyers.Add(order.UserId, _seq);
}

internal sealed class CancelOrder(Guid orderId, DateTimeOffset at, string by) : LedgerWrite
{
    public override int Apply(WriterSession session)
    {
        using var command = session.CreateCommand();
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
    public override int Apply(WriterSession session)
    {
        using var command = session.CreateCommand();
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

    public override void AfterCommit(BuyerOrders buyers) => buyers.Clear();
}
