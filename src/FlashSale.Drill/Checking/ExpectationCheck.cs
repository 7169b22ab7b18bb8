using System.Globalization;
using FlashSale.Drill.Load;

namespace FlashSale.Drill.Checking;

/// <summary>The preset's exact outcome, counted per attempt (an attempt succeeded when any of its copies got a 2xx).</summary>
internal static class ExpectationCheck
{
    public static Verdict Run(CheckContext c, Expectation expected)
    {
        var attempts = c.Records.GroupBy(r => r.AttemptId).ToList();
        var successes = attempts.Count(a => a.Any(r => r.IsSuccess));
        var soldOut = attempts.Count(a => !a.Any(r => r.IsSuccess) && a.Any(r => r.Status == 409 && r.Reason == "sold_out"));
        var violations = new List<string>();
        if (successes != expected.Successes)
        {
            violations.Add($"{successes} attempts succeeded, expected exactly {expected.Successes}");
        }

        if (soldOut != expected.SoldOut)
        {
            violations.Add($"{soldOut} attempts got sold_out, expected exactly {expected.SoldOut}");
        }

        if (violations.Count > 0)
        {
            // What the others got, e.g. "answers: 201 ×10, 409 sold_out ×10, 429 rate_limited ×30".
            var answers = c.Records.GroupBy(OutcomeKey.Of, StringComparer.Ordinal)
                .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key} ×{g.Count()}"));
            var limited = c.Records.Any(r => r.Status == 429);
            violations[^1] += $" (answers: {string.Join(", ", answers)})" +
                (limited ? $" — 429s are the server's rate limits (another run within the minute, or limits below the preset's pace); raise them with {ThrottledCheck.RaiseLimits}" : "");
        }

        return Verdict.From("expected-outcome", "G1", $"Exactly {expected.Successes} succeed, {expected.SoldOut} sold_out",
            violations, $"{successes} succeeded, {soldOut} sold_out");
    }
}
