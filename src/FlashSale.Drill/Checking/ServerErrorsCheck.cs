namespace FlashSale.Drill.Checking;

/// <summary>No 5xx. A 503 <c>unavailable</c> is the documented fail-closed answer and is only noted.</summary>
internal static class ServerErrorsCheck
{
    public static Verdict Run(CheckContext c)
    {
        var violations = c.Records
            .Where(r => r.Status >= 500 && !(r.Status == 503 && r.Reason == "unavailable"))
            .GroupBy(r => $"{r.Status} {r.Reason ?? "(no reason)"}")
            .Select(g => $"{g.Key} × {g.Count()}")
            .ToList();
        var unavailable = c.Records.Count(r => r.Status == 503 && r.Reason == "unavailable");
        var pass = unavailable == 0
            ? "no 5xx"
            : $"no 5xx except {unavailable} × 503 unavailable (documented fail-closed)";
        return Verdict.From("no-5xx", "G7", "No server errors", violations, pass);
    }
}
