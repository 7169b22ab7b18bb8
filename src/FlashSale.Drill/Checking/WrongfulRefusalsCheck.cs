using FlashSale.Drill.Load;

namespace FlashSale.Drill.Checking;

/// <summary>
/// The drill's own requests are well formed, carry minted buyer tokens, and (on a sale it created) go to a sale it saw
/// active whose end lies past the run, with a quantity within the limit it asked for. So some documented answers can
/// only be wrong for them: 401 or 403 while the tokens are valid (G8), and on a created sale 400, 404
/// <c>sale_not_found</c> and 409 <c>sale_ended</c> (G7, G6). Every other documented answer stays possible: sold_out,
/// limit_reached, sale_not_started (instances' clocks differ by a little), 429, 503.
/// </summary>
internal static class WrongfulRefusalsCheck
{
    public static Verdict Run(CheckContext c)
    {
        var created = c.Sales.Where(s => s.Sale.CreatedByDrill).Select(s => s.Sale.SaleId).ToHashSet(StringComparer.Ordinal);
        var validFor = c.Run.TokensValidFor is { } valid ? (long)valid.TotalMicroseconds : long.MaxValue;
        var violations = c.Records
            .Where(r => IsWrongful(r, created.Contains(r.SaleId), validFor))
            .GroupBy(r => $"{OutcomeKey.Of(r)}{(created.Contains(r.SaleId) ? " on a sale the drill created" : "")}")
            .Select(g => $"{g.Key} × {g.Count()} (e.g. user {g.First().UserId}, key {g.First().IdempotencyKey ?? "none"})")
            .ToList();
        var expired = c.Records.Count(r => r.Status == 401 && r.StartMicros >= validFor);
        List<string> warnings = expired == 0
            ? []
            : [$"401 × {expired} after the buyers' tokens expired ({c.Run.TokensValidFor!.Value.TotalMinutes:0.#} min into the flood): " +
               "the run outlasts the server's Auth:TokenLifetime and proves nothing past it"];
        return Verdict.From("no-wrongful-refusals", "G6–G8", "No refusal a well-formed attempt cannot get", violations,
            "no 401/403 while the tokens were valid; no 400, 404 or sale_ended on a sale the drill created", warnings);
    }

    private static bool IsWrongful(AttemptRecord r, bool createdSale, long tokensValidFor) => r.Status switch
    {
        401 => r.StartMicros < tokensValidFor,
        403 => true,
        400 or 404 => createdSale,
        409 => createdSale && r.Reason == "sale_ended",
        _ => false,
    };
}
