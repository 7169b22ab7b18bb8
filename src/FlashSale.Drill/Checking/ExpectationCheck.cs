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

        return Verdict.From("expected-outcome", "G1", $"Exactly {expected.Successes} succeed, {expected.SoldOut} sold_out",
            violations, $"{successes} succeeded, {soldOut} sold_out");
    }
}
