using FlashSale.Sales;
using static FlashSale.Web.Html;

namespace FlashSale.Web;

/// <summary>
/// What the sale page's buy button says: "Buy now" while the buyer can buy, and otherwise why not, as the badge and the
/// countdown beside it do. Until 2026-12-06 a sold-out, upcoming or ended sale showed a greyed "Buy now", which a screen
/// reader read as "Buy now, dimmed" with no reason. The script (js/sale.js, <c>Sale.render</c>) keeps the label as the
/// status changes, from the form's <c>data-label-*</c> attributes, so the wording lives here alone.
/// </summary>
public static class BuyButtonLabels
{
    private static readonly (string Key, string Text)[] All =
    [
        (Active, "Buy now"), ("upcoming", "Not open yet"), ("sold-out", "Sold out"), ("ended", "Sale ended"),
        ("held", "Limit reached"), ("gone", "No longer on sale"),
    ];

    /// <summary>The reason the buyer can buy: the button is on with it, off with any other.</summary>
    public const string Active = "active";

    /// <summary>Why the button is off as the page is drawn (or <see cref="Active"/>): the sale's status first, then the buyer's limit.</summary>
    public static string Why(SaleStatus status, int held, int limit) => status switch
    {
        SaleStatus.Upcoming => "upcoming",
        SaleStatus.SoldOut => "sold-out",
        SaleStatus.Ended => "ended",
        _ => held >= limit ? "held" : Active,
    };

    /// <summary>What the button says for a reason of <see cref="Why"/>.</summary>
    public static string Text(string why) => All.First(l => l.Key == why).Text;

    /// <summary>Every label as the form's <c>data-label-{key}</c> attributes, for the script.</summary>
    public static Html Attributes() => Join(All.Select(l => H($""" data-label-{l.Key}="{l.Text}" """)));
}
