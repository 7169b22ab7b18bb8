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

function utcFields(ms) {
  var d = new Date(ms);
  return { day: d.getUTCDate(), month: d.getUTCMonth(), year: String(d.getUTCFullYear()), hour: two(d.getUTCHours()),
    minute: two(d.getUTCMinutes()), second: two(d.getUTCSeconds()), zone: "UTC" };
}

// A time's fields in this browser's time zone, named as the browser names it (CET, GMT-5); throws without time zone data.
// The fields from Intl, the month from the list above: Intl's en-GB writes September "Sept".
var zoned = null;
function zonedFields(ms) {
  zoned = zoned || new Intl.DateTimeFormat("en-GB", { year: "numeric", month: "numeric", day: "numeric", hour: "2-digit",
    minute: "2-digit", second: "2-digit", hourCycle: "h23", timeZoneName: "short" });
  var f = {};
  zoned.formatToParts(new Date(ms)).forEach(function (p) { f[p.type] = p.value; });
  return { day: parseInt(f.day, 10), month: parseInt(f.month, 10) - 1, year: f.year, hour: f.hour, minute: f.minute,
    second: f.second, zone: f.timeZoneName };
}

// A time in one of the forms the server writes (Web/Format.cs): "minutes" (Utc: "6 Dec 2026, 05:58 UTC"), "seconds"
// (UtcSeconds: "… 05:58:03 UTC"), "clock" (Clock: "05:58:03 UTC") or "short" (LocalShort: "6 Dec, 05:58 UTC", the year
// when it is not this one's).
function written(f, form, thisYear) {
  var time = f.hour + ":" + f.minute + (form === "seconds" || form === "clock" ? ":" + f.second : "") + " " + f.zone;
  if (form === "clock") { return time; }
  return f.day + " " + months[f.month] + (form === "short" && f.year === thisYear ? "" : " " + f.year) + ", " + time;
}

// As the server writes a time (Format.Utc, Format.UtcSeconds): "6 Dec 2026, 05:58 UTC", "6 Dec 2026, 05:58:03 UTC".
export function utc(ms, seconds) { return written(utcFields(ms), seconds ? "seconds" : "minutes"); }

// The same in this browser's time zone (form as written() takes it): "6 Dec 2026, 06:58 CET", "… 00:58 GMT-5"; in UTC
// exactly what the server writes. Without time zone data, the server's UTC, as drawn.
export function local(ms, form) {
  // Only the short form leaves out this year: the fields of now are read for it alone.
  try {
    return written(zonedFields(ms), form, form === "short" ? zonedFields(Date.now()).year : null);
  } catch (e) {
    return written(utcFields(ms), form, form === "short" ? utcFields(Date.now()).year : null);
  }
}
