namespace FlashSale.Drill.Tests;

internal static class TestContext
{
    /// <summary>Bounds every drill a test starts.</summary>
    public static CancellationToken Token => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;
}
