using FlashSale.Sales;

namespace FlashSale.Purchasing;

/// <summary>
/// Reconciliation's second comparison, the same in both ledgers: a sale's terms in the ledger against the record's. An
/// admin change moves the ledger before and after the record's write (SaleCommands); one that stopped in between (its
/// instance killed, or a failed write whose read-back failed too) left the ledger shut, ended early or cut while the
/// record said otherwise, and only the admin's retry or a restart healed it. A sale without ledger state (not rebuilt yet,
/// retired) holds no terms to compare.
/// </summary>
public static partial class RecordedTerms
{
    /// <summary>
    /// <paramref name="line"/> with the terms compared: the ledger's against <paramref name="listed"/>, and when they differ
    /// against the sale as the record holds it now (a list may be a copy remembered from before another instance's write).
    /// With <paramref name="repair"/> (under the admins' lock, so no change is between its steps) the ledger then takes the
    /// record's terms, as an admin's change gives them (<see cref="IPurchaseLedger.SaleChangedAsync"/>).
    /// </summary>
    public static async Task<SaleReconciliation> CompareAsync(IPurchaseLedger ledger, ISaleStore sales, SaleReconciliation line,
        Sale listed, bool repair, ILogger log, CancellationToken ct)
    {
        if ((await ledger.GetTermsAsync(listed.Id, ct))?.DifferencesFrom(listed) is null)
        {
            return line;
        }

        if (await sales.FindLatestAsync(listed.Id, ct) is not { } recorded)
        {
            // Deleted since the list was read: nothing of the record's to compare with.
            return line;
        }

        if (repair && await TakeAsync(ledger, recorded, ct) is { } taken)
        {
            LogTermsTaken(log, recorded.Id, "a reconciliation", taken);
            return line with { TermsDiffer = true, TermsDifference = taken, TermsRepaired = true };
        }

        var differences = (await ledger.GetTermsAsync(recorded.Id, ct))?.DifferencesFrom(recorded);
        return differences is null ? line : line with { TermsDiffer = true, TermsDifference = differences };
    }

    /// <summary>
    /// The ledger takes <paramref name="recorded"/>'s terms if its own differ; what differed ("ledger → record"), or null
    /// when they agree or the ledger holds no state for the sale. Only under the admins' lock: a change between its steps
    /// holds the ledger apart from the record on purpose (shut while the record writes, a cut before it), and taking the
    /// record's terms then would reopen it.
    /// </summary>
    public static async Task<string?> TakeAsync(IPurchaseLedger ledger, Sale recorded, CancellationToken ct)
    {
        var differences = (await ledger.GetTermsAsync(recorded.Id, ct))?.DifferencesFrom(recorded);
        if (differences is not null)
        {
            await ledger.SaleChangedAsync(recorded, ct);
        }

        return differences;
    }

    [LoggerMessage(EventId = 4109, Level = LogLevel.Warning,
        Message = "Sale {SaleId}'s ledger held terms its record does not ({Differences}; ledger → record), no admin change under way: {By} gave it the record's terms")]
    public static partial void LogTermsTaken(ILogger logger, Guid saleId, string by, string differences);
}
