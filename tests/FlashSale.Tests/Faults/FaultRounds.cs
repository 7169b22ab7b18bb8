namespace FlashSale.Tests.Faults;

/// <summary>
/// How many times a fault drill repeats. CI runs the short version (a few rounds, seconds);
/// the full drills (docs/reliability.md) run with FLASHSALE_FAULT_ROUNDS=20.
/// </summary>
internal static class FaultRounds
{
    public static int Get(int ciDefault) =>
        int.TryParse(Environment.GetEnvironmentVariable("FLASHSALE_FAULT_ROUNDS"), out var rounds) && rounds > 0 ? rounds : ciDefault;
}
