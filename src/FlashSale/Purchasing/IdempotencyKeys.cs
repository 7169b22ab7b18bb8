namespace FlashSale.Purchasing;

public static class IdempotencyKeys
{
    public const string Header = "Idempotency-Key";
    public const int MaxLength = 100;

    /// <summary>What <see cref="IsValid"/> accepts, as the OpenAPI document states it.</summary>
    public const string Pattern = "^[A-Za-z0-9_-]{1,100}$";

    /// <summary>1–100 characters of [A-Za-z0-9_-]: UUIDs, ULIDs and the like, nothing that needs escaping.</summary>
    public static bool IsValid(string key) =>
        key.Length is >= 1 and <= MaxLength && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
