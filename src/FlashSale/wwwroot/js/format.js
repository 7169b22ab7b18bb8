// Counts, the sell-through and times written as the server writes them (Web/Format.cs), so a figure the script changes
// reads as the page drew it; and the countdowns' durations.

export function duration(ms) {
  var s = Math.max(0, Math.floor(ms / 1000));
  var d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600), m = Math.floor(s % 3600 / 60), sec = s % 60;
  if (d > 0) { return d + " d " + h + " h"; }
  if (h > 0) { return h + " h " + m + " min"; }
  if (m > 0) { return m + " min " + sec + " s"; }
  return sec + " s";
}

export function number(n) { return n.toLocaleString("en-US"); }

// An amount as the server writes it (Common/Money.Text): grouped, the currency's ISO 4217 decimals (the page's
// data-minor-units lists the currencies that do not have two), its code after it. Not the browser's currency data,
// which disagrees for many (HUF, IDR, IQD…): a page wrote 1,234.50 HUF as "1,235 HUF" (a review, 2026-12-07).
var minorUnits = null;
export function money(amount, currency) {
  if (minorUnits === null) {
    try { minorUnits = JSON.parse(document.body.getAttribute("data-minor-units") || "{}"); } catch (e) { minorUnits = {}; }
  }
  var digits = Object.prototype.hasOwnProperty.call(minorUnits, currency) ? minorUnits[currency] : 2;
  return amount.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits }) + " " + currency;
}

// Sold of the stock in %, rounded down to one decimal as the server writes it (Format.Percent): 100 only when sold out.
export function percent(sold, total) { return total > 0 ? Math.floor(sold * 1000 / total) / 10 : 0; }

var months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

// As the server writes a time (Format.Utc): "6 Dec 2026, 05:58 UTC".
export function utc(ms) {
  var d = new Date(ms);
  function two(n) { return (n < 10 ? "0" : "") + n; }
  return d.getUTCDate() + " " + months[d.getUTCMonth()] + " " + d.getUTCFullYear() + ", "
    + two(d.getUTCHours()) + ":" + two(d.getUTCMinutes()) + " UTC";
}
