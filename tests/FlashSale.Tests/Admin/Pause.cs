namespace FlashSale.Tests.Admin;

/// <summary>Where a store call stops, the first time only, until the test lets it go.</summary>
internal sealed class Pause
{
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _used;

    public Task Reached => _reached.Task.WaitAsync(TimeSpan.FromSeconds(10));

    public void Release() => _released.TrySetResult();

    public Task HoldAsync() => Interlocked.Exchange(ref _used, 1) == 0 ? HoldFirstAsync() : Task.CompletedTask;

    private async Task HoldFirstAsync()
    {
        _reached.SetResult();
        await _released.Task;
    }
}
