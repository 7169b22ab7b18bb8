using System.Collections.Frozen;

namespace FlashSale.Common;

public static class Money
{
    /// <summary>The highest price a sale may have (and a purchase may expect).</summary>
    public const decimal MaxPrice = 1_000_000_000m;

    /// <summary>The record keeps amounts in hundredths (cents): no price has more decimals than this.</summary>
    public const int StoredDecimals = 2;

    /// <summary>Rounded to cents, without trailing zeros: the form the record stores and reads back.</summary>
    public static decimal Normalize(decimal amount) =>
        (long)decimal.Round(amount * 100m, 0, MidpointRounding.ToEven) / 100m;

    /// <summary>
    /// ISO 4217 minor units of the currencies that do not have two (the rest have two): yen, won and the like have
    /// none, the dinars and rial three. .NET's culture data is not used: it is keyed by region, not currency, and a
    /// culture's NumberFormat can differ from ISO 4217 by platform and ICU version.
    /// </summary>
    private static readonly FrozenDictionary<string, int> NotTwo = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["BIF"] = 0, ["CLP"] = 0, ["DJF"] = 0, ["GNF"] = 0, ["ISK"] = 0, ["JPY"] = 0, ["KMF"] = 0, ["KRW"] = 0,
        ["PYG"] = 0, ["RWF"] = 0, ["UGX"] = 0, ["UYI"] = 0, ["VND"] = 0, ["VUV"] = 0, ["XAF"] = 0, ["XOF"] = 0,
        ["XPF"] = 0,
        ["BHD"] = 3, ["IQD"] = 3, ["JOD"] = 3, ["KWD"] = 3, ["LYD"] = 3, ["OMR"] = 3, ["TND"] = 3,
        ["CLF"] = 4, ["UYW"] = 4,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>
    /// The ISO 4217 codes a price can be in: the standard's current currencies and funds (List One, with ANG and BGN, replaced
    /// by XCG and the euro in 2025–26, kept while prices in them may still be set), without the codes that name no
    /// currency (XXX), testing (XTS), precious metals (XAU, XAG, XPD, XPT) and units of account (XBA–XBD, XDR, XSU, XUA).
    /// A code that merely looks like one (a typo such as UDS) is refused rather than shown to buyers. ISO changes the list
    /// a few times a decade (a new code when a currency is redenominated): add the code here.
    /// </summary>
    private static readonly FrozenSet<string> Codes = new[]
    {
        "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BGN", "BHD", "BIF",
        "BMD", "BND", "BOB", "BOV", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF", "CHE", "CHF", "CHW", "CLF",
        "CLP", "CNY", "COP", "COU", "CRC", "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR",
        "FJD", "FKP", "GBP", "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS",
        "INR", "IQD", "IRR", "ISK", "JMD", "JOD", "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT",
        "LAK", "LBP", "LKR", "LRD", "LSL", "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR",
        "MWK", "MXN", "MXV", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN", "PGK", "PHP",
        "PKR", "PLN", "PYG", "QAR", "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE",
        "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB", "TJS", "TMT", "TND", "TOP", "TRY", "TTD", "TWD", "TZS",
        "UAH", "UGX", "USD", "USN", "UYI", "UYU", "UYW", "UZS", "VED", "VES", "VND", "VUV", "WST", "XAF", "XCD", "XCG",
        "XOF", "XPF", "YER", "ZAR", "ZMW", "ZWG",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Whether <paramref name="code"/> is an ISO 4217 currency code a price can be in (<see cref="Codes"/>).</summary>
    public static bool IsCurrency(string code) => Codes.Contains(code);

    /// <summary>
    /// The currencies whose minor units are not two, as JSON (<c>{"BHD":3,…,"JPY":0,…}</c>): the buy form gives it to its
    /// script, which writes a new price as <see cref="Text"/> does. The browser's own currency data disagrees for many
    /// (HUF, IDR, IQD…: 1,234.50 HUF read "1,235 HUF"), found by a review, 2026-12-07.
    /// </summary>
    public static readonly string MinorUnitsNotTwoJson = System.Text.Json.JsonSerializer.Serialize(
        NotTwo.OrderBy(c => c.Key, StringComparer.Ordinal).ToDictionary(c => c.Key, c => c.Value));

    /// <summary>The currency's ISO 4217 minor units: the decimals an amount in it is written with (JPY 0, USD 2, KWD 3).</summary>
    public static int MinorUnits(string currency) => NotTwo.TryGetValue(currency, out var units) ? units : 2;

    /// <summary>The decimals a price in <paramref name="currency"/> may have: its minor units, at most <see cref="StoredDecimals"/>.</summary>
    public static int PriceDecimals(string currency) => Math.Min(MinorUnits(currency), StoredDecimals);

    /// <summary>
    /// An amount with its ISO 4217 code after it, in the currency's minor units: <c>6,016.99 USD</c>, <c>999.00 EUR</c>,
    /// <c>100 JPY</c>. The code for every currency: a symbol is ambiguous (<c>$</c> is USD, CAD, AUD…) and would be for
    /// some currencies only.
    /// </summary>
    public static string Text(decimal amount, string currency) =>
        amount.ToString(TextFormats[MinorUnits(currency)], System.Globalization.CultureInfo.InvariantCulture) + " " + currency;

    // By minor units (ISO 4217 has 0 to 4): one format each, not one built per amount.
    private static readonly string[] TextFormats = ["#,0", "#,0.0", "#,0.00", "#,0.000", "#,0.0000"];

    /// <summary>Whether <paramref name="amount"/> has no more decimals than a price in <paramref name="currency"/> may.</summary>
    public static bool FitsPrice(decimal amount, string currency) => decimal.Round(amount, PriceDecimals(currency)) == amount;
}
