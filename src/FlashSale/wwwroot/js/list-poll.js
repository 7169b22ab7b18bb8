import { part } from "./dom.js";
import { livePaused } from "./live-status.js";

// The home page's cards and the dashboard's rows: one request for all of them every few seconds, the public list (GET
// /api/v1/sales, the sales with their live status, stock and window), not a stream per card: a browser holds six
// connections per host, and a shop of a dozen sales would take them all. The list is read from memory (the sale list the store
// remembers, every card's stock in one ledger batch that each instance keeps for Sales:ListStockMaxAge, 1 s, however
// many tabs poll), so a poll costs the server about what a page of the feed does. Only while the page is seen (a hidden tab asks nothing); an error,
// 429 or 503 waits longer (Retry-After when given, else doubling up to a minute). A card whose sale is no longer
// listed says it was removed; a new sale is only announced (where the page has the note: the home page), with a link to
// reload (drawing a card needs the page). The dashboard draws its new rows from its record's parts (refresh, dashboard.js),
// asks only while a row follows the list, and is told (moved) when units move or a sale it has not seen is listed.
export function poll(root, sales, moved) {
  var every = 5000, most = 60000, wait = every, timer = null, asking = false, byId = {}, seen = {}, note = part(root, "live");
  var quiet = !!root.dataset.refresh;
  sales.forEach(function (sale) { byId[sale.root.dataset.sale] = sale; });
  function later(ms) { clearTimeout(timer); timer = setTimeout(tick, ms); }
  function refused(response) {
    livePaused(note, true, "list");
    var after = response ? parseInt(response.headers.get("Retry-After"), 10) : NaN;
    wait = after > 0 ? Math.min(Math.max(after * 1000, every), 10 * most) : Math.min(wait * 2, most);
  }
  function take(body) {
    var listed = {}, fresh = false, changed = false;
    (body.items || []).forEach(function (item) {
      listed[item.id] = true;
      var sale = byId[item.id];
      if (sale) {
        var left = sale.remaining;
        sale.apply(item);
        changed = changed || sale.remaining !== left;
      } else if (item.status !== "ended") {
        fresh = true;
        changed = changed || !seen[item.id];
      }
      seen[item.id] = true;
    });
    // Absent from a complete list is deleted, or moved out of the list's window (an upcoming sale's window edited
    // into the past): the sale itself says which, 404 or its state. Past a first page of 1,000 absence says nothing.
    if (!body.nextCursor) {
      sales.forEach(function (sale) { if (!listed[sale.root.dataset.sale] && !sale.gone) { confirm(sale); } });
    }
    // Written into a region that is there from the page's load, empty (a hidden one shown with its text is often not read out).
    var news = part(root, "new-sales"), words = part(root, "new-sales-text");
    if (news && words && fresh && !news.firstChild) { news.appendChild(words.content.cloneNode(true)); }
    if (changed && moved) { moved(); }
  }
  function confirm(sale) {
    // Deleted, or its state applied; else the next poll asks again.
    sale.check().then(function (found) { if (found === false) { sale.remove(); } });
  }
  function idle() { return quiet && !sales.some(function (sale) { return !sale.gone; }); }
  function tick() {
    timer = null;
    if (document.hidden || idle()) { return; } // resumed by visibilitychange, or by a row to follow
    asking = true;
    fetch(root.dataset.poll, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (!response.ok) { refused(response); return null; }
        return response.json().then(function (body) { wait = every; livePaused(note, false, "list"); take(body); });
      })
      .catch(function () { refused(null); })
      .then(function () {
        asking = false;
        if (!document.hidden) { later(wait); }
      });
  }
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && !asking && timer === null) { tick(); }
  });
  later(every);
  return {
    // A row drawn since (the dashboard's): followed from the next poll on.
    follow: function (sale) {
      byId[sale.root.dataset.sale] = sale;
      sales.push(sale);
      if (!asking && timer === null && !document.hidden) { later(every); }
    },
    // A row no longer on the page: nothing to follow or to confirm.
    drop: function (sale) {
      var at = sales.indexOf(sale);
      sale.gone = true;
      delete byId[sale.root.dataset.sale];
      if (at >= 0) { sales.splice(at, 1); }
    }
  };
}
