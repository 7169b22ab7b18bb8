using FlashSale.Drill.Load;

namespace FlashSale.Drill.Checking;

/// <summary>
/// The frame no-undersell and no-wrongful-limit share: per sale, the answers refusing with one reason (a sale the drill
/// created that sold nothing at all is skipped: something-sold's finding, not reported twice); and a finding against the
/// end state, a violation on a sale the drill created (nothing is cancelled there, so the end state bounds every earlier
/// moment) and a warning on a <c>--sale</c> sale, where another shopper's cancel may explain it.
/// </summary>
internal sealed class RefusalFindings(string reason)
{
    public List<string> Violations { get; } = [];

    public List<string> Warnings { get; } = [];

    /// <summary>The refusals seen on every sale, counted as <see cref="Sales"/> goes through them.</summary>
    public int Refusals { get; private set; }

    public IEnumerable<(SaleEvidence Sale, string Id, List<AttemptRecord> Records, List<AttemptRecord> Refused)> Sales(CheckContext c)
    {
        var bySale = c.Records.ToLookup(r => r.SaleId, StringComparer.Ordinal);
        foreach (var s in c.Sales)
        {
            var records = bySale[s.Sale.SaleId].ToList();
            var refused = records.Where(r => r.Status == 409 && r.Reason == reason).ToList();
            Refusals += refused.Count;
            if (refused.Count > 0 && !(s.Sale.CreatedByDrill && !records.Any(r => r.IsSuccess)))
            {
                yield return (s, CheckContext.Short(s.Sale.SaleId), records, refused);
            }
        }
    }

    /// <summary>A finding against the end state: a violation on a created sale; else a warning, saying what may explain it.</summary>
    public void AtTheEnd(SaleEvidence s, string what, string unlessCancelled)
    {
        if (s.Sale.CreatedByDrill)
        {
            Violations.Add(what);
        }
        else
        {
            Warnings.Add($"{what} — an existing sale: {unlessCancelled}");
        }
    }
}
