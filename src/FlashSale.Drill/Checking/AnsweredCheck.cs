namespace FlashSale.Drill.Checking;

/// <summary>Every request got an HTTP answer (no timeouts, resets or refused connections).</summary>
internal static class AnsweredCheck
{
    public static Verdict Run(CheckContext c)
    {
        var violations = c.Records
            .Where(r => !r.IsAnswered)
            .GroupBy(r => r.Error ?? "unknown")
            .Select(g => $"no answer ({g.Key}) × {g.Count()}")
            .ToList();
        return Verdict.From("all-answered", "G7", "Every request answered", violations,
            $"{c.Records.Count} requests, all answered");
    }
}
