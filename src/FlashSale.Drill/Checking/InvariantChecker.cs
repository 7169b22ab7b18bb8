using FlashSale.Drill.Load;

namespace FlashSale.Drill.Checking;

/// <summary>
/// The proof: a pure function from what the clients saw and what the server holds to one verdict per
/// invariant. No I/O, so every check can be driven by fabricated evidence in tests.
/// </summary>
internal static class InvariantChecker
{
    public static IReadOnlyList<Verdict> Check(IReadOnlyList<AttemptRecord> records, IReadOnlyList<SaleEvidence> sales,
        Expectation? expectation = null, RunFacts? run = null)
    {
        var context = new CheckContext(records, sales, expectation, run);
        List<Verdict> verdicts =
        [
            SaleTermsCheck.Run(context),
            ServerErrorsCheck.Run(context),
            RetryAfterCheck.Run(context),
            DocumentedOutcomesCheck.Run(context),
            WrongfulRefusalsCheck.Run(context),
            AnsweredCheck.Run(context),
            AcksAreOrdersCheck.Run(context),
            PhantomOrdersCheck.Run(context),
            IdempotencyCheck.Run(context),
            AccountingCheck.Run(context),
            OversellCheck.Run(context),
            UndersellCheck.Run(context),
            PerUserLimitCheck.Run(context),
            WrongfulLimitCheck.Run(context),
            SomethingSoldCheck.Run(context),
            ThrottledCheck.Run(context),
        ];
        if (expectation is not null)
        {
            verdicts.Add(ExpectationCheck.Run(context, expectation));
        }

        return verdicts;
    }
}
