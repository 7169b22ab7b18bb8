using FlashSale.Sales;

namespace FlashSale.Tests.Admin;

/// <summary>The record as it is, with a pause after a list or an update or before an end, and a failure for a delete, when a test asks.</summary>
public sealed class FaultySaleStore(ISaleStore inner) : ISaleStore
{
    public Func<Task>? AfterList { get; set; }

    public Func<Task>? AfterUpdate { get; set; }

    public Func<Task>? BeforeEnd { get; set; }

    public Exception? FailDelete { get; set; }

    public async Task<IReadOnlyList<Sale>> ListAsync(CancellationToken ct)
    {
        var listed = await inner.ListAsync(ct);
        if (AfterList is { } pause)
        {
            await pause();
        }

        return listed;
    }

    public Task<Sale?> FindAsync(Guid id, CancellationToken ct) => inner.FindAsync(id, ct);

    public Task<Sale?> FindLatestAsync(Guid id, CancellationToken ct) => inner.FindLatestAsync(id, ct);

    public Task<bool> TryCreateAsync(Sale sale, CancellationToken ct) => inner.TryCreateAsync(sale, ct);

    public async Task<SaleWriteResult> TryUpdateAsync(Sale changed, CancellationToken ct)
    {
        var written = await inner.TryUpdateAsync(changed, ct);
        if (AfterUpdate is { } pause)
        {
            await pause();
        }

        return written;
    }

    public async Task<Sale?> EndAsync(Guid id, DateTimeOffset at, CancellationToken ct)
    {
        if (BeforeEnd is { } pause)
        {
            await pause();
        }

        return await inner.EndAsync(id, at, ct);
    }

    public Task<SaleWriteResult> TryDeleteAsync(Guid id, CancellationToken ct) =>
        FailDelete is { } failure ? Task.FromException<SaleWriteResult>(failure) : inner.TryDeleteAsync(id, ct);
}
