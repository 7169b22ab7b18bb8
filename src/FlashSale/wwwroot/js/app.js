// FlashSale pages: countdowns on the server's clock, live stock over Server-Sent Events, and a
// buy button that answers without a reload. Everything here is an enhancement: without it the
// pages still show the truth and buying works as a plain form post.
//
// The entry module (Layout loads it as <script type="module">, deferred like any module): it finds what the page holds
// and hands each part to the module beside it that keeps it current.

import { followRecord } from "./admin-sale-record.js";
import { enableBuy } from "./buy.js";
import { syncClock } from "./clock.js";
import { forgetPostedMessage } from "./flash.js";
import { refresh } from "./dashboard.js";
import { poll } from "./list-poll.js";
import { listen } from "./live-stream.js";
import { localTimes } from "./local-time.js";
import { Sale } from "./sale.js";

function start() {
  forgetPostedMessage();
  localTimes(document);
  var roots = document.querySelectorAll("[data-starts-at]");
  var list = document.querySelector("[data-poll]");
  if (roots.length === 0 && !list) { return; }
  if (roots.length > 0) { syncClock(roots[0].dataset.serverTime); }
  var sales = Array.prototype.map.call(roots, function (root) { return new Sale(root); });
  sales.forEach(function (sale) {
    if (sale.root.dataset.live && window.EventSource) { listen(sale, sale.root.dataset.live); }
    if (sale.root.dataset.refresh && window.fetch) { followRecord(sale, sale.root.dataset.refresh); }
    enableBuy(sale);
    sale.render();
  });
  if (list && window.fetch) {
    var record = null;
    var rows = poll(list, sales, function () { if (record) { record.soon(); } });
    if (list.dataset.refresh) { record = refresh(list, sales, rows); }
  }
  setInterval(function () { sales.forEach(function (sale) { sale.render(); }); }, 250);
}

if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
