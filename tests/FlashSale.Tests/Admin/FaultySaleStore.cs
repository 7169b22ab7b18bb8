using FlashSale.Sales;
using FlashSale.Storage.Embedded;
using FlashSale.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FlashSale.Tests.Admin;

/// <summary>
/// The record as it is, with a pause after a list or an update or before an end or a stock change, a failure for a delete, a failure
/// after a create, an end, a stock change or a delete the record has committed (a lost answer), failing reads of the latest sale, and a call once one is read, when a test asks.
/// </summary>
public sealed class FaultySaleStore(ISaleStore inner) : ISaleStore
{
    /// <summary>A server whose sale record is this wrapper around the real SQLite store (and whose clock, if given, is <paramref name="clock"/>).</summary>
    public static TestApp App(TimeProvider? clock = null) => new(clock: clock, services: Wrap<SqliteSaleStore>);

    /// <summary>Makes the server's sale record this wrapper around the real store <typeparamref name="TStore"/> (SQLite or PostgreSQL).</summary>
    public static void Wrap<TStore>(IServiceCollection services) where TStore : class, ISaleStore
    {
        services.AddSingleton<TStore>();
        services.AddSingleton(sp => new FaultySaleStore(sp.GetRequiredService<TStore>()));
        services.AddSingleton<ISaleStore>(sp => sp.GetRequiredService<FaultySaleStore>());
    }

    public Func<Task>? AfterList { get; set; }

    public Func<Task>? AfterUpdate { get; set; }

    public Func<Task>? BeforeEnd { get; set; }

    /// <summary>Awaited before a started sale's stock or end is written (the ledger holds the tighter terms meanwhile).</summary>
    public Func<Task>? BeforeStockChange { get; set; }

    /// <summary>Thrown after a started sale's stock or end is written, whether it was or not (an answer lost).</summary>
    public Exception? FailAfterStockChange { get; set; }

    public Exception? FailDelete { get; set; }

    public Exception? FailAfterCreate { get; set; }

    public Exception? FailAfterEnd { get; set; }

    public Exception? FailAfterDelete { get; set; }

    public Exception? FailFindLatest { get; set; }

    /// <summary>Called with the sale's id once its latest terms have been read, before they are returned.</summary>
    public Func<Guid, Task>? AfterFindLatest { get; set; }

    /// <summary>
    /// The next end never reaches the record, and from then on the latest sale cannot be read either (so the change cannot
    /// follow the record back: the ledger keeps the end it took first, fail closed) until <see cref="Heal"/>.
    /// </summary>
    public void FailTheEndAndItsReadBack(Exception failure) => BeforeEnd = () =>
    {
        FailFindLatest = failure;
        return Task.FromException(failure);
    };

    /// <summary>The record answers again: no end fails, the latest sale reads.</summary>
    public void Heal()
    {
        BeforeEnd = null;
        FailFindLatest = null;
    }

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

    public async Task<Sale?> FindLatestAsync(Guid id, CancellationToken ct)
    {
        if (FailFindLatest is { } failure)
        {
            throw failure;
        }

        var sale = await inner.FindLatestAsync(id, ct);
        if (AfterFindLatest is { } read)
        {
            await read(id);
        }

        return sale;
    }

    public async Task<bool> TryCreateAsync(Sale sale, CancellationToken ct)
    {
        var created = await inner.TryCreateAsync(sale, ct);
        return FailAfterCreate is { } failure ? throw failure : created;
    }

    public async Task<SaleWriteResult> TryChangeStockAsync(Guid id, int totalStock, DateTimeOffset endsAt, DateTimeOffset now,
        CancellationToken ct)
    {
        if (BeforeStockChange is { } pause)
        {
            await pause();
        }

        var written = await inner.TryChangeStockAsync(id, totalStock, endsAt, now, ct);
        return FailAfterStockChange is { } failure ? throw failure : written;
    }

    public async Task<SaleWriteResult> TryUpdateAsync(Sale changed, DateTimeOffset? notEndedAt, CancellationToken ct)
    {
        var written = await inner.TryUpdateAsync(changed, notEndedAt, ct);
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

        var ended = await inner.EndAsync(id, at, ct);
        return FailAfterEnd is { } failure ? throw failure : ended;
    }

    public async Task<SaleWriteResult> TryDeleteAsync(Guid id, CancellationToken ct)
    {
        if (FailDelete is { } before)
        {
            throw before;
        }

        var deleted = await inner.TryDeleteAsync(id, ct);
        return FailAfterDelete is { } after ? throw after : deleted;
    }
}
