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

function two(n) { return (n < 10 ? "0" : "") + n; }

// As the server writes a time (Format.Utc, Format.UtcSeconds): "6 Dec 2026, 05:58 UTC", "6 Dec 2026, 05:58:03 UTC".
export function utc(ms, seconds) {
  var d = new Date(ms);
  return d.getUTCDate() + " " + months[d.getUTCMonth()] + " " + d.getUTCFullYear() + ", "
    + two(d.getUTCHours()) + ":" + two(d.getUTCMinutes()) + (seconds ? ":" + two(d.getUTCSeconds()) : "") + " UTC";
}

// The same in this browser's time zone, named as the browser names it: "6 Dec 2026, 06:58 CET", "… 00:58 GMT-5"; in UTC
// exactly what utc() writes. The fields from Intl, the month from the list above: Intl's en-GB writes September "Sept".
var zoned = null;
export function local(ms, seconds) {
  try {
    zoned = zoned || new Intl.DateTimeFormat("en-GB", { year: "numeric", month: "numeric", day: "numeric", hour: "2-digit",
      minute: "2-digit", second: "2-digit", hourCycle: "h23", timeZoneName: "short" });
    var f = {};
    zoned.formatToParts(new Date(ms)).forEach(function (p) { f[p.type] = p.value; });
    return parseInt(f.day, 10) + " " + months[parseInt(f.month, 10) - 1] + " " + f.year + ", " + f.hour + ":" + f.minute
      + (seconds ? ":" + f.second : "") + " " + f.timeZoneName;
  } catch (e) {
    return utc(ms, seconds); // no time zone data: the server's UTC, as drawn
  }
}
