namespace FlashSale.Drill.Checking;

/// <summary>
/// Every 429 and 503 says when to come back (G7: backpressure and a failing dependency are answered with
/// <c>Retry-After</c>): without it a client can only guess, and a crowd retrying at once is the next flood.
/// </summary>
internal static class RetryAfterCheck
{
    public static Verdict Run(CheckContext c)
    {
        var told = c.Records.Where(r => r.RetryAfter is not null).ToList();
        var violations = told
            .Where(r => r.RetryAfter == false)
            .GroupBy(r => $"{r.Status} {r.Reason ?? "(no reason)"}")
            .Select(g => $"{g.Key} without Retry-After × {g.Count()}")
            .ToList();
        return Verdict.From("retry-after", "G7", "Every 429/503 says when to retry", violations,
            told.Count == 0 ? "no 429 or 503" : $"{told.Count} × 429/503, each with Retry-After");
    }
}
