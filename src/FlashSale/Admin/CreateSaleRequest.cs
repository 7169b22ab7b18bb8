using System.Globalization;
using FlashSale.Common;
using FlashSale.Sales;
using Microsoft.Extensions.FileProviders;

namespace FlashSale.Admin;

public sealed record CreateSaleRequest(
    string Sku,
    string ProductName,
    decimal Price,
    int TotalStock,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    string? Description = null,
    string? Currency = null,
    string? ImageUrl = null,
    int PerUserLimit = 1)
{
    public const int MaxStock = 10_000_000;

    /// <summary>
    /// The request's rules. With <paramref name="webRoot"/>, an image given as a path on this site must also be a file
    /// there (<see cref="SiteImages"/>): the endpoints pass it (the API's and the form's), having the web root; without it
    /// (a sale already stored, whose image a later deploy may have removed) only the address's form is checked.
    /// </summary>
    public Validation Validate(IFileProvider? webRoot = null) => new Validation()
        .Text(Sku, "sku", 1, 64)
        .Require(Sku is null || Sku.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'), "sku",
            "may contain only letters, digits, '-', '_' and '.'.")
        .Text(ProductName, "productName", 1, 200)
        // Spaces alone are no name: the shop showed a card without one (the admin form trims them away, the API did not);
        // nor are invisible characters alone (a zero-width space, a Hangul filler: until 2026-12-07 taken).
        .Require(string.IsNullOrEmpty(ProductName) || Validation.HasVisibleCharacter(ProductName), "productName",
            "must not be blank: spaces and invisible characters alone are no name.")
        // A name is one line: nor the Unicode line and paragraph separators (U+2028, U+2029; until 2026-12-07 taken).
        .Require(ProductName is null || !ProductName.Any(c => c is '\u2028' or '\u2029'), "productName", "must not contain line breaks.")
        .Text(DescriptionText, "description", 0, 4000, required: false, lineBreaks: true)
        .NoBidiControls(ProductName, "productName")
        .NoBidiControls(DescriptionText, "description")
        .Require(Price >= 0 && Price <= Money.MaxPrice, "price", "must be between 0 and 1,000,000,000.")
        .Require(Money.FitsPrice(Price, PriceCurrency), "price", PriceDecimalsMessage)
        .Require(IsCurrencyCode, "currency", "must be an ISO 4217 currency code such as USD, EUR or JPY.")
        .Text(ImageUrl, "imageUrl", 1, 2000, required: false)
        .Require(ImageUrl is null || IsImageUrl(ImageUrl), "imageUrl", "must be an absolute https URL or a path starting with '/'.")
        .Require(webRoot is null || ImageUrl is null || !IsImageUrl(ImageUrl) || !webRoot.HasNoFile(ImageUrl), "imageUrl", SiteImages.Missing)
        .Require(TotalStock is >= 1 and <= MaxStock, "totalStock", $"must be between 1 and {MaxStock.ToString("N0", CultureInfo.InvariantCulture)}.")
        .Require(PerUserLimit is >= 1 and <= 1000, "perUserLimit", "must be between 1 and 1000.")
        // Said of the start, not of "startsAt": the admin form shows it under "Ends (UTC)", where the API's name meant nothing.
        .Require(Ends > Starts, "endsAt", "must be after the start.");

    public Sale ToSale(DateTimeOffset now) => new()
    {
        Id = Guid.NewGuid(),
        Sku = Sku,
        ProductName = ProductName,
        Description = DescriptionText ?? "",
        // Normalised to cents as stored: 10.50 and 10.5 are the same price, and answers never change after a restart.
        Price = Money.Normalize(Price),
        Currency = Currency ?? "USD",
        ImageUrl = ImageUrl,
        TotalStock = TotalStock,
        PerUserLimit = PerUserLimit,
        StartsAt = Starts,
        EndsAt = Ends,
        // Kept to the millisecond like the window: the list's order (start, then creation) is the same after a restart.
        CreatedAt = SaleTime.Truncate(now),
    };

    // The window as the stores keep it (SaleTime): validated, stored and answered alike. An update merges into this
    // request (UpdateSaleRequest.MergeInto), so a PATCH or the edit form is cut the same way.
    private DateTimeOffset Starts => SaleTime.Truncate(StartsAt);

    private DateTimeOffset Ends => SaleTime.Truncate(EndsAt);

    /// <summary>
    /// The description may have several lines. A browser sends a textarea's line breaks as CRLF: kept as LF, so the
    /// length counts a line break once (as the textarea's maxlength does) and one text is stored one way.
    /// </summary>
    public static string? NormalizeLineBreaks(string? text) => text?.Replace("\r\n", "\n", StringComparison.Ordinal);

    private string? DescriptionText => NormalizeLineBreaks(Description);

    private string CurrencyCode => Currency ?? "USD";

    private bool IsCurrencyCode => Currency is null || Money.IsCurrency(Currency);

    /// <summary>
    /// A price has at most its currency's minor units of decimals (ISO 4217: none in JPY, two in USD), and at most
    /// two in any (the record keeps hundredths): 100.55 JPY is not a price.
    /// </summary>
    private string PriceDecimalsMessage => Money.PriceDecimals(PriceCurrency) == 0
        ? $"must be a whole amount in {PriceCurrency}, which has no minor unit."
        : "must have at most two decimals.";

    /// <summary>The currency the price's decimals are checked against: two decimals while the currency is not a code.</summary>
    private string PriceCurrency => IsCurrencyCode ? CurrencyCode : "USD";

    /// <summary>
    /// A path on this site, or an https address: the shop's pages load images from nowhere else (their
    /// Content-Security-Policy's <c>img-src 'self' data: https:</c>). An http address was taken until 2026-12-06 and the
    /// shop showed an empty frame where the picture should be. Not <c>/\host</c> either: browsers read it as <c>//host</c>,
    /// another site (taken as a path until 2026-12-07).
    /// </summary>
    private static bool IsImageUrl(string url) =>
        SiteImages.IsSitePath(url)
        || (Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps);
}
