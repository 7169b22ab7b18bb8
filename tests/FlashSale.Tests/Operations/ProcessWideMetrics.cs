namespace FlashSale.Tests.Operations;

/// <summary>Tests that count process-wide instruments run alone, after the parallel ones.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWideMetrics
{
    public const string Name = "process-wide metrics";
}
