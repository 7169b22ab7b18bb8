using FlashSale.Storage.Embedded;

namespace FlashSale.Bench.Micro;

/// <summary>
/// A write that holds the committer inside its (empty) batch until released, so the writes queued
/// meanwhile all land in the next batch: batches of exactly the size under test.
/// </summary>
internal sealed class GateWrite : LedgerWrite
{
    private readonly ManualResetEventSlim _entered = new();
    private readonly ManualResetEventSlim _release = new();

    public void WaitUntilHeld() => _entered.Wait();

    public void Release() => _release.Set();

    public override int Apply(WriterSession session)
    {
        _entered.Set();
        _release.Wait();
        return 0;
    }
}
