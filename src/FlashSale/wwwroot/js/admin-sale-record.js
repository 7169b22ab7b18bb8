import { part, swapKeepingFocus } from "./dom.js";
import { reread } from "./record-reread.js";

// The admin's sale page's record parts (Web/AdminSaleView.cs: revenue, orders, "sold out in", the time of the read, the
// chart and leaderboard, the latest orders), read again (reread) every 15 s and soon after the feed shows units moved.
// A part is replaced only when it changed (a focused cancel link is left alone otherwise), and a focused link in it is
// focused again in the new part (swapKeepingFocus). Until 2026-12-06 they stayed
// as the page was drawn, only marked behind (AdminLiveTests.SalePage_ShowsAPurchase…).
function drawn(el) {
  if (el.getAttribute("tabindex") !== "-1") { return el.outerHTML; }
  var copy = el.cloneNode(true);
  copy.removeAttribute("tabindex");
  return copy.outerHTML;
}

export function followRecord(sale, url) {
  function take(fresh) {
    var parts = fresh.querySelectorAll("[data-part]");
    var pairs = Array.prototype.map.call(parts, function (next) {
      return [sale.root.querySelector('[data-part="' + next.dataset.part + '"]'), next];
    });
    if (parts.length === 0 || pairs.some(function (pair) { return !pair[0]; })) { return false; }
    pairs.forEach(function (pair) {
      // Compared as drawn: the tabindex the focus's fallback gave the part (dom.js) is no change to redraw it for.
      if (drawn(pair[0]) === pair[1].outerHTML) { return; }
      swapKeepingFocus(pair[0], function () { pair[0].replaceWith(pair[1]); return pair[1]; });
    });
    sale.behind(sale.sold);
    return true;
  }
  sale.reader = reread(part(sale.root, "live"), url, take);
  sale.moved = sale.reader.soon;
}
