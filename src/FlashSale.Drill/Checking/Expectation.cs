namespace FlashSale.Drill.Checking;

/// <summary>An exact outcome a preset asserts (seed: 10 orders, 40 sold_out), counted per attempt.</summary>
public sealed record Expectation(int Successes, int SoldOut);
