// A sale as the page shows it, and what it does with a new state of it: the state comes from its live stream
// (live-stream.js), the list the page polls (list-poll.js) or a look-up (sale-lookup.js).

import { serverNow, syncClock } from "./clock.js";
import { action, count, part } from "./dom.js";
import { flash, keepFocus } from "./flash.js";
import { duration, money, number, percent } from "./format.js";
import { showLocal } from "./local-time.js";
import { lookup } from "./sale-lookup.js";

var labels = { upcoming: "Upcoming", active: "On sale", sold_out: "Sold out", ended: "Ended" };
// Why the buy button is off (Web/BuyButtonLabels.cs), as the purchase's message for it says (the form's data-msg-*).
var offMessage = { upcoming: "sale-not-started", sold_out: "sold-out", ended: "sale-ended", held: "limit-reached" };

// One sale on the page: a card on the home page, the product page, the admin's sale page or a row of the dashboard's
// table. Each shows what it has of the same state (the data-role parts it holds); the admin's add the units sold, the
// sell-through and their links, which follow the admin API's rules.
export function Sale(root) {
  this.root = root;
  this.startsAt = Date.parse(root.dataset.startsAt);
  this.endsAt = Date.parse(root.dataset.endsAt);
  this.serverStatus = root.dataset.status;
  // The stock as drawn: units left, and sold of the total (a stock bar's max, or the admin's "sold / total").
  var bar = part(root, "bar"), total = bar ? parseInt(bar.getAttribute("max"), 10) : count(root, "total");
  var remaining = count(root, "remaining"), sold = count(root, "sold");
  this.remaining = remaining !== null ? remaining : total !== null && sold !== null ? total - sold : 1;
  // Units sold as drawn, then as the feed says: fewer sold is a cancel, maybe of this buyer's order (refreshHeld).
  this.sold = sold !== null ? sold : total !== null ? total - this.remaining : null;
  this.moved = null; // the admin's sale page: units sold or returned, so its record parts are read soon (admin-sale-record.js)
  this.reader = null;
  this.form = part(root, "buy");
  this.busy = false;
  this.answered = false; // the page's own purchase has just been answered (buy.js): its answer is what the focus finds
  this.gone = false;
  this.buys = 0; // answers to this page's own purchases, so an older reading of the holding never overwrites one
}

Sale.prototype.status = function () {
  var now = serverNow();
  if (now < this.startsAt) { return "upcoming"; }
  if (now >= this.endsAt) { return "ended"; }
  if (this.remaining <= 0 || this.serverStatus === "sold_out") { return "sold_out"; }
  return "active";
};

Sale.prototype.render = function () {
  if (this.gone) { return; }
  var status = this.status(), now = serverNow();
  var countdown = part(this.root, "countdown");
  if (countdown) {
    var left = status === "upcoming" ? "Starts in " + duration(this.startsAt - now)
      : status === "ended" ? "Ended" : "Ends in " + duration(this.endsAt - now);
    // Written only when it changes (4 renders a second): a rewrite each time can move a screen reader's reading place.
    if (countdown.textContent !== left) { countdown.textContent = left; }
  }
  var badge = part(this.root, "status"), announce = null, told = false;
  if (badge && this.root.dataset.status !== status) {
    badge.className = "badge " + status;
    badge.textContent = labels[status];
    announce = part(this.root, "announce");
  }
  this.root.dataset.status = status;
  // The admin's links, as the admin API allows them: End until the sale has ended, Delete only while nothing is sold
  // (a sale with an order, cancelled ones too, is never deleted: neither comes back, so they are only ever hidden).
  var end = action(this.root, "end"), drop = action(this.root, "delete");
  if (end && status === "ended") { end.hidden = true; }
  if (drop && this.sold > 0) { drop.hidden = true; }
  // A visitor's "Sign in to buy" (ShopPages.BuyForm): while there is something to buy; a cancel brings a sold-out sale back.
  var signIn = part(this.root, "sign-in");
  if (signIn) { signIn.hidden = status === "sold_out" || status === "ended"; }
  if (this.form) {
    var held = parseInt(this.form.dataset.held, 10) || 0, limit = parseInt(this.form.dataset.limit, 10) || 1;
    // Why the button is off, or "active" (Web/BuyButtonLabels.cs): the status first, then the buyer's limit.
    var why = status !== "active" ? status : held >= limit ? "held" : "active";
    var button = part(this.form, "buy-button"), off = why !== "active";
    var label = this.form.getAttribute("data-label-" + why.replace(/_/g, "-"));
    // While the page's own purchase is in flight nothing is disabled (the button is only marked busy, below): the live
    // feed's "sold out" often comes ahead of the answer that took the last unit, and must not speak for it.
    var disable = off && !this.busy;
    // A disabled button loses the focus: the buyer's goes to the message, a live region.
    if (disable && !button.disabled) {
      told = keepFocus(this.form, this.form.getAttribute("data-msg-" + offMessage[why]) || label, !this.answered);
    }
    if (!this.busy) { this.answered = false; }
    button.disabled = disable;
    // While the purchase is in flight the button says so: dimmed alone, a press seemed to do nothing.
    var shown = this.busy ? "Buying…" : label;
    if (shown && button.textContent !== shown) { button.textContent = shown; }
    // Busy is only marked: disabling the pressed button would drop its focus; a press while busy does nothing.
    if (this.busy) { button.setAttribute("aria-disabled", "true"); } else { button.removeAttribute("aria-disabled"); }
    var line = part(this.form, "held"), said = "You hold " + held + " of " + limit + ".";
    if (line) {
      line.hidden = held <= 0;
      if (line.textContent !== said) { line.textContent = said; }
    }
    var quantity = this.form.elements.namedItem("quantity");
    if (quantity && quantity.type === "number") {
      quantity.max = Math.max(1, Math.min(limit - held, this.remaining));
      // Nothing to choose while the button is off ("Limit reached", "Sold out"): the field was left editable beside it.
      // Not before the start: a buyer chooses while waiting, and presses at the opening.
      quantity.disabled = disable && why !== "upcoming";
    }
  }
  // The new status, said once: not when the answer line has just said why the button went off (keepFocus), which it
  // reads out and takes the focus with. "Sold out" was said three times when another buyer took the last unit.
  if (announce && !told) { announce.textContent = labels[status]; }
};

// A state of the sale: the live feed's snapshot or change, or the home page's list item (the same members).
Sale.prototype.apply = function (data) {
  if (this.gone) { return; }
  syncClock(data.serverTime);
  this.startsAt = Date.parse(data.startsAt);
  this.endsAt = Date.parse(data.endsAt);
  this.root.dataset.startsAt = data.startsAt;
  this.root.dataset.endsAt = data.endsAt;
  this.serverStatus = data.status;
  this.remaining = data.remainingStock;
  var remaining = part(this.root, "remaining"), bar = part(this.root, "bar");
  if (remaining) { remaining.textContent = number(data.remainingStock); }
  if (bar) { bar.max = data.totalStock; bar.value = data.remainingStock; }
  this.figures(data);
  // The window as the server has it now: an early end or a changed window moves these too, not only the countdown.
  var opens = part(this.root, "opens"), closes = part(this.root, "closes");
  if (opens) { showLocal(opens, this.startsAt); }
  if (closes) { showLocal(closes, this.endsAt); }
  if (typeof data.perUserLimit === "number") { this.limitIs(data.perUserLimit); }
  if (typeof data.price === "number" && typeof data.currency === "string") { this.priceIs(data.price, data.currency); }
  var cancelled = typeof data.sold === "number" && this.sold !== null && data.sold < this.sold;
  var moved = typeof data.sold === "number" && this.sold !== null && data.sold !== this.sold;
  if (typeof data.sold === "number") { this.sold = data.sold; }
  this.render();
  if (cancelled) { this.refreshHeld(); }
  if (moved && this.moved) { this.moved(); }
};

// The price as the server has it now (the feed's and the list's price and currency; a price_changed's unitPrice): shown,
// and what the buy form expects, so a press buys at the price the page shows and no other (docs/web.md).
Sale.prototype.priceIs = function (amount, currency) {
  var shown = part(this.root, "price");
  if (shown) { shown.textContent = money(amount, currency); }
  var form = this.form;
  var price = form && form.elements.namedItem("expectedUnitPrice"), code = form && form.elements.namedItem("expectedCurrency");
  if (price && code) {
    price.value = String(amount);
    code.value = currency;
  }
};

// The admin's figures of a state: units sold of the total, the sell-through, and the record's figures (revenue, orders)
// marked behind while the units differ from those the record's last read counted. The stock is the ledger's, decided at
// once; the record's figures are the orders recorded (distributed: a batch behind), read again soon (reread).
Sale.prototype.figures = function (data) {
  var sold = typeof data.sold === "number" ? data.sold : data.totalStock - data.remainingStock;
  var soldPart = part(this.root, "sold"), total = part(this.root, "total"), through = part(this.root, "sell-through");
  if (soldPart) { soldPart.textContent = number(sold); }
  if (total) { total.textContent = number(data.totalStock); }
  if (through) { through.textContent = percent(sold, data.totalStock) + " %"; }
  // "Sold out in 4 s" is the record's, of a sale sold out: not once a cancel has put units back. Sold out again, the
  // record's next read draws it again with the first sell-out (the re-sale's until 2026-12-07).
  var soldOutIn = part(this.root, "sold-out-in");
  if (soldOutIn && data.remainingStock > 0) { soldOutIn.hidden = true; }
  this.behind(sold);
};

// "Units have been sold or returned since" while the feed's units are not those the record's read counted.
Sale.prototype.behind = function (sold) {
  var note = part(this.root, "record-behind"), read = this.root.querySelector("[data-record-sold]");
  if (!note || !read || sold === null) { return; }
  var off = sold !== parseInt(read.dataset.recordSold, 10);
  if (note.hidden === off) { note.hidden = !off; }
};

// The limit per buyer as the server has it now: an admin may change it before the start, while buyers wait on the page.
// Until 2026-12-06 the page kept the limit it was drawn with: raised from 1 to 3, a buyer read "limit 1 per buyer", had
// no quantity to choose, and after one unit "You hold 1 of 1." beside a disabled button (LivePageTests.ALimitChanged…).
Sale.prototype.limitIs = function (limit) {
  var line = part(this.root, "limit");
  if (line && line.textContent !== String(limit)) { line.textContent = limit; }
  if (!this.form) { return; }
  this.form.dataset.limit = limit;
  // Nothing to choose at a limit of 1: the field is hidden, and holds 1 (a hidden field over its max would block the form).
  Array.prototype.forEach.call(this.form.querySelectorAll('[data-role="quantity"]'), function (field) {
    field.hidden = limit <= 1;
    if (limit <= 1 && field.tagName === "INPUT" && !field.readOnly) { field.value = 1; }
  });
};

// Fewer units sold than before is a cancel, perhaps of this buyer's order: "You hold X of Y" and the button changed
// only with the buyer's own answers, so a cancelled buyer read "You hold 1 of 1" beside a disabled button until a
// reload. The holding is read again from the API (a GET: no CSRF header needed, the cookie signs it in).
Sale.prototype.refreshHeld = function () {
  var self = this, form = this.form;
  if (!form || !window.fetch) { return; }
  var buys = this.buys;
  fetch("/api/v1/sales/" + this.root.dataset.sale + "/purchases/me", {
    credentials: "same-origin", headers: { "Accept": "application/json" }
  }).then(function (response) {
    return response.ok ? response.json() : null;
  }).then(function (body) {
    // A purchase of this page answered meanwhile is newer than this reading.
    if (!body || typeof body.quantity !== "number" || self.buys !== buys || self.busy) { return; }
    var before = parseInt(form.dataset.held, 10) || 0;
    form.dataset.held = body.quantity;
    // The buyer's own order was cancelled: the message above may still say "You got it! Your order is confirmed".
    if (body.quantity < before) {
      flash("warn", "An order of yours in this sale was cancelled by the shop: you hold " + body.quantity + " now. See My orders.");
    }
    if (typeof body.perUserLimit === "number") { self.limitIs(body.perUserLimit); }
    self.render();
  }).catch(function () { /* the next cancel or the buyer's next answer tells */ });
};

// A sale deleted (or wiped): a card no longer in the shop's list, a sale page's feed saying "gone", a purchase answered
// 404. It says so, stops counting down, and its buy button is off for good: until 2026-12-06 a sale page kept counting
// down to the deleted sale's start, then read "On sale" and offered "Buy now" (LivePageTests.ADeletedSale_…).
Sale.prototype.remove = function () {
  if (this.gone) { return; }
  this.gone = true;
  if (this.reader) { this.reader.stop(); }
  removedLook(this.root);
  var button = this.form && part(this.form, "buy-button");
  if (button) {
    var label = this.form.getAttribute("data-label-gone") || button.textContent;
    // As render does: a disabled button drops the focus, so the buyer's goes to the message (as it stands, if it says
    // anything: the feed's "removed", a purchase's 404).
    keepFocus(this.form, label, false);
    button.disabled = true;
    button.removeAttribute("aria-disabled");
    button.textContent = label;
  }
};

// How a removed sale reads: a sale's card, page or row, and a dashboard row of an ended sale (which nothing follows).
export function removedLook(root) {
  root.dataset.status = "gone";
  root.classList.add("gone");
  var badge = part(root, "status"), countdown = part(root, "countdown");
  if (badge) { badge.className = "badge gone"; badge.textContent = "Removed"; }
  if (countdown) { countdown.textContent = "This sale has been removed."; }
  var signIn = part(root, "sign-in");
  if (signIn) { signIn.hidden = true; } // a visitor signing in would find a 404
  Array.prototype.forEach.call(root.querySelectorAll("[data-action]"), function (link) { link.hidden = true; });
}

// This sale looked up (lookup): true (and the state applied) when it is there, false when deleted, null when unknown.
Sale.prototype.check = function () {
  var self = this;
  return lookup(this.root.dataset.sale).then(function (item) {
    if (item) { self.apply(item); return true; }
    return item;
  });
};
