using FlashSale.Operations;
using FlashSale.Purchasing;
using FlashSale.Sales;

namespace FlashSale.Admin;

/// <summary>
/// The rules for changing a sale, written once: the admin API and the dashboard both call these, so a
/// rule (and its refusal) cannot differ between them. The record decides with conditional writes; the
/// ledger follows every change at once. Each change starts from the sale as the record holds it now
/// (<see cref="ISaleStore.FindLatestAsync"/>), not a copy another instance's write may have outdated, and one change
/// at a time across every instance (<see cref="IAdminChangeLock"/>): interleaved, a reconciliation that listed a sale
/// before a delete re-created its book after it (a deleted sale that sold again), an edit between a delete's withdraw
/// and its record delete re-opened the sale being deleted, and two edits could reach the ledger in the opposite order
/// to the record. Admin changes are rare and quick; purchases never wait on this.
/// </summary>
public sealed class SaleCommands(ISaleStore sales, IPurchaseLedger ledger, IAdminChangeLock changing, TimeProvider clock,
    ILoggerFactory loggers, IClockCheck? clockCheck = null)
{
    private readonly ILogger _audit = AdminAudit.Logger(loggers);

    public Task<SaleCommandResult> CreateAsync(CreateSaleRequest request, CancellationToken ct) =>
        OneAtATimeAsync(() => CreateCoreAsync(request, ct), ct);

    public Task<SaleCommandResult> UpdateAsync(Guid saleId, UpdateSaleRequest request, CancellationToken ct) =>
        UpdateAsync(saleId, request, expected: null, ct);

    /// <summary>
    /// An update made against a sale as someone saw it: <paramref name="expected"/> is asked of the sale as read under the
    /// admins' lock, the read the write starts from, and when it says no nothing is written (<see cref="SaleRefusal.Changed"/>).
    /// Asked before the lock (the edit form did until 2026-12-07), a save landing between that read and the write was
    /// written over.
    /// </summary>
    public Task<SaleCommandResult> UpdateAsync(Guid saleId, UpdateSaleRequest request, Func<Sale, bool>? expected, CancellationToken ct) =>
        OneAtATimeAsync(() => UpdateCoreAsync(saleId, request, expected, ct), ct);

    /// <summary>Ends a sale now (an upcoming one never opens); allowed with orders, refused once it has ended.</summary>
    public Task<SaleCommandResult> EndAsync(Guid saleId, CancellationToken ct) =>
        OneAtATimeAsync(() => EndCoreAsync(saleId, ct), ct);

    /// <summary>Deletes a sale without orders; on success the result carries the sale as it was.</summary>
    public Task<SaleCommandResult> DeleteAsync(Guid saleId, CancellationToken ct) =>
        OneAtATimeAsync(() => DeleteCoreAsync(saleId, ct), ct);

    /// <summary>
    /// The ledger's reconciliation (<see cref="IPurchaseLedger.ReconcileAsync"/>). A repair runs never beside another
    /// change. A check only compares, so it takes no turn: holding the admins' lock for a sweep that may wait up to 2 s on
    /// every busy sale kept "End now" waiting on every instance's check (a sale changed between a check's two readings is
    /// not settled, and is read again).
    /// </summary>
    public Task<IReadOnlyList<SaleReconciliation>> ReconcileAsync(bool repair, CancellationToken ct) =>
        repair ? OneAtATimeAsync(() => ledger.ReconcileAsync(repair: true, ct), ct) : ledger.ReconcileAsync(repair: false, ct);

    /// <summary>
    /// The sale's ledger takes the record's terms if they still differ once no admin change is under way (the admins'
    /// turn held, both read again there): what differed ("ledger → record"), or null. The drift check calls this for a
    /// sale it found with other terms than the record's: read without the lock, that may be a change between its steps,
    /// shut on purpose, which this waits out; found again under the lock, it is one that stopped there (its instance
    /// killed, or its failed write's read-back failed) and would stay shut, ended or cut until the admin's retry.
    /// </summary>
    public Task<string?> TakeRecordedTermsAsync(Guid saleId, CancellationToken ct) => OneAtATimeAsync(async () =>
        await sales.FindLatestAsync(saleId, ct) is { } recorded ? await RecordedTerms.TakeAsync(ledger, recorded, ct) : null, ct);

    /// <summary>Development only (the reset endpoint): wipes sales and orders and opens the demo sales again.</summary>
    public Task<bool> ResetAsync(CancellationToken ct) => OneAtATimeAsync(async () =>
    {
        await ledger.ResetAsync(ct);
        await DemoSales.SeedIfEmptyAsync(sales, ledger, clock, ct);
        return true;
    }, ct);

    /// <summary>
    /// A sale's window is set and judged on this instance's clock ("end now" writes it as the end): one out of step with
    /// the other instances' (distributed: <see cref="IClockCheck"/>) changes nothing, 503.
    /// </summary>
    private void EnsureClockInStep()
    {
        if (clockCheck is { InStep: false })
        {
            throw new Storage.StoreUnavailableException("This instance's clock is out of step with Redis's (event 4271), or not yet compared with it since start; the sale was not changed.");
        }
    }

    private async Task<T> OneAtATimeAsync<T>(Func<Task<T>> change, CancellationToken ct)
    {
        await using var held = await changing.AcquireAsync(ct);
        return await change();
    }

    private async Task<SaleCommandResult> CreateCoreAsync(CreateSaleRequest request, CancellationToken ct)
    {
        EnsureClockInStep();
        var validation = request.Validate();
        if (!validation.IsValid)
        {
            return SaleCommandResult.Refused(SaleRefusal.Invalid(validation.Errors));
        }

        var now = clock.GetUtcNow();
        var sale = request.ToSale(now);
        if (!await sales.TryCreateAsync(sale, ct))
        {
            return SaleCommandResult.Refused(SaleRefusal.SkuTaken(await HolderOfAsync(sale.Sku, ct)));
        }

        AdminAudit.LogSaleChange(_audit, sale.Id, "created", AdminAudit.Terms(sale));
        return await ChangedAsync(sale, now, ct);
    }

    /// <summary>
    /// Limit and start only while upcoming; stock and end until the sale ends (<see cref="ChangeStockAsync"/> once it has
    /// started); product fields only before the first order.
    /// </summary>
    private async Task<SaleCommandResult> UpdateCoreAsync(Guid saleId, UpdateSaleRequest request, Func<Sale, bool>? expected,
        CancellationToken ct)
    {
        EnsureClockInStep();
        var sale = await sales.FindLatestAsync(saleId, ct);
        if (sale is null)
        {
            return SaleCommandResult.Refused(SaleRefusal.NotFound());
        }

        if (expected?.Invoke(sale) == false)
        {
            return SaleCommandResult.Refused(SaleRefusal.Changed());
        }

        var merged = request.MergeInto(sale);
        var errors = request.ErrorsIn(merged.Validate(), sale);
        if (errors.Count > 0)
        {
            return SaleCommandResult.Refused(SaleRefusal.Invalid(errors));
        }

        var now = clock.GetUtcNow();
        var changed = merged.ToSale(now) with { Id = sale.Id, CreatedAt = sale.CreatedAt };
        var trading = UpdateSaleRequest.ChangesTrading(sale, changed);
        if (!trading && !UpdateSaleRequest.ChangesProduct(sale, changed))
        {
            // Nothing to write, but the ledger still takes the record's terms: this may be the retry of an edit whose write
            // committed and whose answer was lost while the record could not be read back, which left the sale shut
            // (FollowTheRecordAsync). Until 2026-12-06 this answered 200 "active" and the sale refused every purchase as
            // not started, for good.
            return await ChangedAsync(sale, now, ct);
        }

        if (trading && now >= sale.StartsAt)
        {
            if (sale.StartsAt != changed.StartsAt || sale.PerUserLimit != changed.PerUserLimit)
            {
                return SaleCommandResult.Refused(SaleRefusal.NotUpcoming(sale.StartsAt));
            }

            if (now >= sale.EndsAt)
            {
                return SaleCommandResult.Refused(SaleRefusal.Ended(sale.EndsAt));
            }

            if (changed.EndsAt != sale.EndsAt && changed.EndsAt <= now)
            {
                return SaleCommandResult.Refused(SaleRefusal.Invalid(new Dictionary<string, string[]>
                {
                    ["endsAt"] = ["must be later than now: the sale has started. To stop it now, end it."],
                }));
            }

            // Product fields too (only before the first order): all in the one shut write, the record's own condition
            // refusing a sale that has ended by then. Until 2026-12-07 this was two steps, the product on the old terms
            // and then the stock and end, and a refused second step (a purchase in between, or the end passing) left the
            // product changed under an answer that said nothing was saved.
            return UpdateSaleRequest.ChangesProduct(sale, changed)
                ? await ChangeBeforeFirstOrderAsync(sale, changed, now, ct, started: true)
                : await ChangeStockAsync(sale, changed, ct);
        }

        return await ChangeBeforeFirstOrderAsync(sale, changed, now, ct, started: false);
    }

    /// <summary>
    /// Any field of a sale without orders, held shut in the ledger while the record changes. A <paramref name="started"/>
    /// sale's write is also refused once the sale has ended ("now" read at the write, after the ledger shut it): otherwise
    /// a change that waited (on another instance's rebuild, say) past the end reopened the sale with the end it carried,
    /// after buyers had been told it had ended.
    /// </summary>
    private async Task<SaleCommandResult> ChangeBeforeFirstOrderAsync(Sale sale, Sale changed, DateTimeOffset now, CancellationToken ct,
        bool started)
    {
        // The ledger's count also sees a purchase not yet committed; the record's guard below sees the rest.
        if ((await ledger.GetStockAsync(sale, ct)).Sold > 0)
        {
            return SaleCommandResult.Refused(ProductFixed());
        }

        // Held shut in the ledger while the record changes, and its count read again once shut: a purchase decided
        // between the check above and the ledger taking the new terms (buyers hammer a sale the moment it opens, and
        // admins fix stock at the last minute) was sold under the old terms, and a lower new total then ended below
        // what was sold (G1). Shut, the ledger answers 503 "being changed" for the few milliseconds of the write.
        await ledger.SaleChangedAsync(sale with { StartsAt = sale.EndsAt }, ct);
        var written = await FollowingTheRecordOnFailureAsync(sale.Id, async () => (await ledger.GetStockAsync(sale, ct)).Sold > 0
            ? SaleWriteResult.HasOrders
            : await sales.TryUpdateAsync(changed, started ? clock.GetUtcNow() : null, ct));

        switch (written)
        {
            case SaleWriteResult.Done:
                AdminAudit.LogSaleChange(_audit, sale.Id, "changed", AdminAudit.Changes(sale, changed));
                return await ChangedAsync(changed, started ? clock.GetUtcNow() : now, ct);
            case SaleWriteResult.NotFound:
                await ledger.SaleRemovedAsync(sale.Id, CancellationToken.None);
                return SaleCommandResult.Refused(SaleRefusal.NotFound());
        }

        await ledger.SaleChangedAsync(sale, CancellationToken.None);
        return SaleCommandResult.Refused(written switch
        {
            SaleWriteResult.SkuTaken => SaleRefusal.SkuTaken(await HolderOfAsync(changed.Sku, CancellationToken.None)),
            SaleWriteResult.Ended => SaleRefusal.Ended(sale.EndsAt),
            _ => ProductFixed(),
        });
    }

    /// <summary>
    /// A started sale's stock or end (the terms a shop changes while it sells: more units found, demand that outlasts the
    /// window, stock that must be held back). The ledger first takes the tighter of the old and new terms (the smaller
    /// stock, the earlier end), refused atomically when more units are sold or being sold than the new stock; then the
    /// record; then the ledger the new terms. So the ledger never sells what the record does not yet allow (a raise reaches
    /// it after the record), and the record never holds terms the ledger has already sold past (a cut reaches the ledger
    /// first). The sale keeps selling throughout: unlike a change before the start, it is not shut for the write.
    /// </summary>
    private async Task<SaleCommandResult> ChangeStockAsync(Sale sale, Sale changed, CancellationToken ct)
    {
        var tighter = sale with
        {
            TotalStock = Math.Min(sale.TotalStock, changed.TotalStock),
            EndsAt = sale.EndsAt < changed.EndsAt ? sale.EndsAt : changed.EndsAt,
        };
        var taken = await ledger.TryChangeStockAsync(tighter, ct);
        switch (taken.Verdict)
        {
            case StockChangeVerdict.BelowSold:
                return SaleCommandResult.Refused(SaleRefusal.StockBelowSold(taken.Sold));
            case StockChangeVerdict.Ended:
                return SaleCommandResult.Refused(SaleRefusal.Ended(sale.EndsAt));
        }

        // An end moved to a moment from now is taken no earlier than just after the latest purchase the ledger decided: one
        // decided while the change was asked may be timed at or after it (G6), as with "end now". The record writes the
        // end the ledger took.
        if (taken.EndsAt is { } endTaken && endTaken > tighter.EndsAt)
        {
            changed = changed with { EndsAt = endTaken };
        }

        // "Not ended" judged at the write, not when the change began: the ledger step may have waited (on another
        // instance's rebuild, up to its RebuildWait), and a sale that had ended meanwhile, its buyers told so, was
        // reopened by an end judged against the earlier time.
        var written = await FollowingTheRecordOnFailureAsync(sale.Id,
            () => sales.TryChangeStockAsync(sale.Id, changed.TotalStock, changed.EndsAt, clock.GetUtcNow(), ct));
        switch (written)
        {
            case SaleWriteResult.Done:
                AdminAudit.LogSaleChange(_audit, sale.Id, "changed", AdminAudit.Changes(sale, changed));
                return await ChangedAsync(changed, clock.GetUtcNow(), ct);
            case SaleWriteResult.NotFound:
                await ledger.SaleRemovedAsync(sale.Id, CancellationToken.None);
                return SaleCommandResult.Refused(SaleRefusal.NotFound());
        }

        // Refused by the record (ended meanwhile, or holding more confirmed units than the ledger counted): the ledger
        // takes the record's terms back, which are no looser than before the tighter ones.
        await FollowTheRecordAsync(sale.Id);
        return SaleCommandResult.Refused(written == SaleWriteResult.Ended
            ? SaleRefusal.Ended(sale.EndsAt)
            : SaleRefusal.StockBelowSold(null));
    }

    private async Task<SaleCommandResult> EndCoreAsync(Guid saleId, CancellationToken ct)
    {
        EnsureClockInStep();
        var sale = await sales.FindLatestAsync(saleId, ct);
        if (sale is null)
        {
            return SaleCommandResult.Refused(SaleRefusal.NotFound());
        }

        var now = clock.GetUtcNow();
        if (now >= sale.EndsAt)
        {
            return SaleCommandResult.Refused(SaleRefusal.Ended(sale.EndsAt));
        }

        // Closed in the ledger first, then in the record: the other way round, every purchase decided while the record
        // wrote (one durable commit; more under load) still passed the old end, and was confirmed after the sale's
        // recorded end (G6). The record's write failing leaves it as the record has it. Both take the end at the
        // record's precision: closed at a finer instant, the ledger let through a purchase timed earlier in the same
        // millisecond, stored at the recorded end itself (outside [startsAt, endsAt)). The ledger may take a later end
        // than asked: just after a purchase it decided, timed at or after the one asked, before the end reached it.
        var end = await ledger.EndAsync(sale, SaleTime.Truncate(now), ct);
        var ended = await FollowingTheRecordOnFailureAsync(sale.Id, () => sales.EndAsync(sale.Id, end, ct));

        if (ended is null)
        {
            return SaleCommandResult.Refused(SaleRefusal.NotFound());
        }

        AdminAudit.LogSaleChange(_audit, sale.Id, "ended early", AdminAudit.Changes(sale, ended));
        // Answered as of the end at the earliest: the sale it describes has ended.
        return await ChangedAsync(ended, now > ended.EndsAt ? now : ended.EndsAt, ct);
    }

    private async Task<SaleCommandResult> DeleteCoreAsync(Guid saleId, CancellationToken ct)
    {
        var sale = await sales.FindLatestAsync(saleId, ct);
        if (sale is null)
        {
            return SaleCommandResult.Refused(SaleRefusal.NotFound());
        }

        // Closed to purchases first, so no order can arrive between the record's check and the delete.
        if (!await ledger.TryWithdrawSaleAsync(sale, ct))
        {
            return SaleCommandResult.Refused(SaleRefusal.HasOrders("A sale with orders cannot be deleted; end it instead."));
        }

        // The record failing (503 for the admin) puts the sale back to trading as the record has it: left withdrawn, every
        // purchase of a sale the shop still showed answered 404 sale_not_found until a restart.
        var deleted = await FollowingTheRecordOnFailureAsync(sale.Id, () => sales.TryDeleteAsync(sale.Id, ct));

        switch (deleted)
        {
            case SaleWriteResult.Done:
                AdminAudit.LogSaleChange(_audit, sale.Id, "deleted", AdminAudit.Terms(sale));
                await ledger.SaleRemovedAsync(sale.Id, ct);
                // Withdrawn means nothing was sold: the whole stock was left.
                return SaleCommandResult.Done(SaleResponse.From(sale, new StockLevel(sale.TotalStock, sale.TotalStock), clock.GetUtcNow()));
            case SaleWriteResult.HasOrders:
                // Only cancelled orders: they keep their history, so the sale stays and trades again.
                await ledger.SaleChangedAsync(sale, ct);
                return SaleCommandResult.Refused(
                    SaleRefusal.HasOrders("A sale with orders (cancelled ones too) cannot be deleted; end it instead."));
            default:
                await ledger.SaleRemovedAsync(sale.Id, ct);
                return SaleCommandResult.Refused(SaleRefusal.NotFound());
        }
    }

    /// <summary>
    /// A record write made while the ledger holds the sale shut, closed or withdrawn. If it throws, the ledger takes the
    /// sale as the record holds it now before the exception goes on (to the 503), not the sale as it was: a write can
    /// fail after its commit (an answer lost on the way back), and the old sale put back re-opened one the record had
    /// ended (G6) or deleted. If the record cannot be read either, the sale stays shut (fail closed) until the admin's
    /// retry (which, finding nothing left to write, still applies the record's sale) or the next start (which applies
    /// every sale's recorded terms): refused, never sold on terms the record may no longer have.
    /// </summary>
    private async Task<T> FollowingTheRecordOnFailureAsync<T>(Guid saleId, Func<Task<T>> write)
    {
        try
        {
            return await write();
        }
        catch
        {
            await FollowTheRecordAsync(saleId);
            throw;
        }
    }

    private async Task FollowTheRecordAsync(Guid saleId)
    {
        Sale? recorded;
        try
        {
            recorded = await sales.FindLatestAsync(saleId, CancellationToken.None);
        }
        catch (Exception)
        {
            // The write's own failure is the one to report; this one only leaves the sale shut.
            return;
        }

        if (recorded is null)
        {
            await ledger.SaleRemovedAsync(saleId, CancellationToken.None);
        }
        else
        {
            await ledger.SaleChangedAsync(recorded, CancellationToken.None);
        }
    }

    /// <summary>The sale holding <paramref name="sku"/> (compared as the record does, ignoring case); null if none or unreadable.</summary>
    private async Task<Sale?> HolderOfAsync(string sku, CancellationToken ct)
    {
        try
        {
            return (await sales.ListAsync(ct)).FirstOrDefault(s => string.Equals(s.Sku, sku, StringComparison.OrdinalIgnoreCase));
        }
        catch (Exception ex) when (Storage.StoreUnavailableExceptionHandler.IsStoreUnavailable(ex))
        {
            // The refusal stands without the id: the record said the SKU is taken.
            return null;
        }
    }

    private static SaleRefusal ProductFixed() => SaleRefusal.HasOrders("This sale has orders: its product, price and image are fixed.");

    private async Task<SaleCommandResult> ChangedAsync(Sale sale, DateTimeOffset now, CancellationToken ct)
    {
        await ledger.SaleChangedAsync(sale, ct);
        return SaleCommandResult.Done(SaleResponse.From(sale, await ledger.GetStockAsync(sale, ct), now));
    }
}
