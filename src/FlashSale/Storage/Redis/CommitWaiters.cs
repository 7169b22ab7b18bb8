using System.Collections.Concurrent;

namespace FlashSale.Storage.Redis;

/// <summary>Purchases waiting for their order to be committed in PostgreSQL, by order id.</summary>
public sealed class CommitWaiters
{
    private readonly ConcurrentDictionary<Guid, TaskCompletionSource<bool>> _waiting = new();

    /// <summary>Completes with true when committed, false when the record refused the order.</summary>
    public Task<bool> Register(Guid orderId) =>
        _waiting.GetOrAdd(orderId, _ => new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>Tells the purchase waiting here for this order, if any; false when none waits in this process.</summary>
    public bool Complete(Guid orderId, bool committed)
    {
        if (_waiting.TryRemove(orderId, out var waiter))
        {
            waiter.TrySetResult(committed);
            return true;
        }

        return false;
    }

    public void Forget(Guid orderId) => _waiting.TryRemove(orderId, out _);
}
