namespace FlashSale.Drill.Reporting;

/// <summary>How many requests got one kind of answer, e.g. "409 sold_out".</summary>
public sealed record OutcomeCount(string Outcome, long Count);
