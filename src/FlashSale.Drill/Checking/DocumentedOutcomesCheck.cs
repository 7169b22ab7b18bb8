using FlashSale.Drill.Load;

namespace FlashSale.Drill.Checking;

/// <summary>Every answer is a documented status+reason pair; a 2xx carries an order id and the matching status.</summary>
internal static class DocumentedOutcomesCheck
{
    public static Verdict Run(CheckContext c)
    {
        var violations = c.Records
            .Where(r => r.IsAnswered && !DocumentedOutcomes.IsDocumented(r.Status, r.Reason, r.OrderId, r.OrderStatus))
            .GroupBy(Describe)
            .Select(g => $"{g.Key} × {g.Count()}")
            .ToList();
        return Verdict.From("documented-outcomes", "G7", "Only documented outcomes", violations,
            $"{c.Records.Count(r => r.IsAnswered)} answers, all documented");
    }

    private static string Describe(AttemptRecord r) => r.Status switch
    {
        201 or 202 => $"{r.Status} with status '{r.OrderStatus ?? "(none)"}' and order id {(r.OrderId is null ? "missing" : "present")}",
        _ => $"{r.Status} reason '{r.Reason ?? "(none)"}'",
    };
}
