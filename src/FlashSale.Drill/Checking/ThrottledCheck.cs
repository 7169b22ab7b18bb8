using System.Globalization;

namespace FlashSale.Drill.Checking;

/// <summary>
/// Not an invariant: a run whose answers are mostly <c>429</c>/<c>503</c> measured the server's rate limiter (or its
/// fail-closed refusals), not the sale. It passes, with a warning that says so and how to raise the limits.
/// </summary>
internal static class ThrottledCheck
{
    /// <summary>The settings that let one machine's drill through (docs/security.md, "Load tests from one machine").</summary>
    public const string RaiseLimits =
        "env RateLimiting__Rules__per-ip__PermitLimit=1000000 RateLimiting__Rules__purchase-per-user__PermitLimit=1000000 " +
        "Limits__MaxConnectionsPerClient=0 … " +
        "(through env: a shell cannot assign a name holding '-'; or RateLimiting__Enabled=false)";

    public static Verdict Run(CheckContext c)
    {
        var inv = CultureInfo.InvariantCulture;
        var answered = c.Records.Count(r => r.IsAnswered);
        var limited = c.Records.Count(r => r.Status == 429);
        var unavailable = c.Records.Count(r => r.Status == 503);
        var detail = string.Create(inv, $"{limited} of {answered} answers 429, {unavailable} 503");
        List<string> warnings = [];
        if (answered > 0 && (limited + unavailable) * 2 > answered)
        {
            var share = (limited + unavailable) * 100.0 / answered;
            warnings.Add(string.Create(inv,
                $"{limited + unavailable} of {answered} answers ({share:0}%) were 429 rate_limited ({limited}) or 503 unavailable ({unavailable}): ") +
                (limited >= unavailable
                    ? $"the run mostly measured the server's rate limiter, not the sale. For a drill start the server with {RaiseLimits}."
                    : "the run mostly measured the server refusing while a dependency was down, not the sale."));
        }

        return Verdict.From("mostly-served", "—", "Most answers were not 429/503 (the sale was measured, not the limiter)",
            [], detail, warnings);
    }
}
