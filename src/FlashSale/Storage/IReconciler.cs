namespace FlashSale.Storage;

/// <summary>
/// G4: compares what the ledger says is sold with what the system of record holds, per sale, and
/// repairs the ledger from the record (the record is the truth).
/// </summary>
public interface IReconciler
{
    Task<IReadOnlyList<SaleReconciliation>> ReconcileAsync(bool repair, CancellationToken ct);
}

/// <summary>One sale's line. <c>Unrecorded</c>: decided orders not yet in the record (distributed outbox); a sale with any is not repaired.</summary>
public sealed record SaleReconciliation(Guid SaleId, int TotalStock, int RecordSold, int LedgerSold, int Unrecorded, bool Repaired)
{
    public bool InAgreement => RecordSold == LedgerSold && Unrecorded == 0;
}
