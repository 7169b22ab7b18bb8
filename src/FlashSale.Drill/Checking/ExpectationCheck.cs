using System.Globalization;
using FlashSale.Drill.Load;

namespace FlashSale.Drill.Checking;

/// <summary>
/// The preset's exact outcome, counted per attempt (an attempt succeeded when any of its copies got a 2xx). On an
/// interrupted run the exact counts cannot hold (attempts were never made, some cut off in flight), so what still must
/// is checked: no more successes or sold_outs than expected, every other attempt cut off (outcome unknown), and a
/// sold_out only once the attempts that did or may have bought could have emptied the stock.
/// </summary>
internal static class ExpectationCheck
{
    public static Verdict Run(CheckContext c, Expectation expected)
    {
        var attempts = c.Records.GroupBy(r => r.AttemptId).ToList();
        var successes = attempts.Count(a => a.Any(r => r.IsSuccess));
        var soldOut = attempts.Count(a => !a.Any(r => r.IsSuccess) && a.Any(r => r.Status == 409 && r.Reason == "sold_out"));
        var violations = c.Run.Interrupted ? Partial(attempts, successes, soldOut, expected) : Exact(successes, soldOut, expected);

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

        return c.Run.Interrupted
            ? Verdict.From("expected-outcome", "G1", $"At most {expected.Successes} succeed, {expected.SoldOut} sold_out (interrupted)",
                violations, $"{successes} succeeded, {soldOut} sold_out of {attempts.Count} attempts made before the interrupt")
            : Verdict.From("expected-outcome", "G1", $"Exactly {expected.Successes} succeed, {expected.SoldOut} sold_out",
                violations, $"{successes} succeeded, {soldOut} sold_out");
    }

    private static List<string> Exact(int successes, int soldOut, Expectation expected)
    {
        var violations = new List<string>();
        if (successes != expected.Successes)
        {
            violations.Add($"{successes} attempts succeeded, expected exactly {expected.Successes}");
        }

        if (soldOut != expected.SoldOut)
        {
            violations.Add($"{soldOut} attempts got sold_out, expected exactly {expected.SoldOut}");
        }

        return violations;
    }

    private static List<string> Partial(List<IGrouping<long, AttemptRecord>> attempts, int successes, int soldOut, Expectation expected)
    {
        var violations = new List<string>();
        if (successes > expected.Successes)
        {
            violations.Add($"{successes} attempts succeeded, expected at most {expected.Successes}");
        }

        if (soldOut > expected.SoldOut)
        {
            violations.Add($"{soldOut} attempts got sold_out, expected at most {expected.SoldOut}");
        }

        // Neither a 2xx nor sold_out: only an attempt the interrupt cut off (never answered) may end so.
        var cutOff = attempts.Count(a => a.All(r => r.IsCutOff));
        var other = attempts.Count - successes - soldOut - cutOff;
        if (other > 0)
        {
            violations.Add($"{other} attempts got neither a 2xx nor sold_out");
        }

        // One unit per attempt: sold_out says the stock was gone, so the attempts that bought or may have must cover it.
        var mayHaveBought = attempts.Count(a => !a.Any(r => r.IsSuccess) && a.Any(DocumentedOutcomes.MayHaveBoughtUntold));
        if (soldOut > 0 && successes + mayHaveBought < expected.Successes)
        {
            violations.Add($"{soldOut} attempts got sold_out while at most {successes + mayHaveBought} of {expected.Successes} units " +
                           "could have been sold");
        }

        return violations;
    }
}
