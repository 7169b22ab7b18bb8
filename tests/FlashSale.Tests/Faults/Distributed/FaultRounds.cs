using System.Globalization;

namespace FlashSale.Tests.Faults.Distributed;

/// <summary>How many times each drill injects its fault: FLASHSALE_FAULT_ROUNDS, default 2 (CI).</summary>
public static class FaultRounds
{
    public static int Count =>
        int.TryParse(Environment.GetEnvironmentVariable("FLASHSALE_FAULT_ROUNDS"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : 2;
}
