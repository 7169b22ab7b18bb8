namespace FlashSale.Drill.Tests;

internal enum FakeServerBug
{
    None,
    Oversell,
    LoseEveryThirdOrder,
    SyntheticBuyersDisabled,
}
