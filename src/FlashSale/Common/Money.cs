namespace FlashSale.Common;

public static class Money
{
    /// <summary>Rounded to cents, without trailing zeros: the form the record stores and reads back.</summary>
    public static decimal Normalize(decimal amount) =>
        (long)decimal.Round(amount * 100m, 0, MidpointRounding.ToEven) / 100m;
}
