using FlashSale.Sales;

namespace FlashSale.Admin;

/// <summary>A sale command's outcome as a value: the sale as it is now (null after a delete), or why nothing changed.</summary>
public sealed record SaleCommandResult(SaleResponse? Sale, SaleRefusal? Refusal)
{
    public bool Succeeded => Refusal is null;

    public static SaleCommandResult Done(SaleResponse? sale) => new(sale, null);

    public static SaleCommandResult Refused(SaleRefusal refusal) => new(null, refusal);
}
