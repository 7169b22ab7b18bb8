// FlashSale pages: countdowns on the server's clock, live stock over Server-Sent Events, and a
// buy button that answers without a reload. Everything here is an enhancement: without it the
// pages still show the truth and buying works as a plain form post.
(function () {
  "use strict";

  var offset = 0; // server clock minus this browser's clock, in ms
  var labels = { upcoming: "Upcoming", active: "On sale", sold_out: "Sold out", ended: "Ended" };

  function serverNow() { return Date.now() + offset; }

  function syncClock(serverTime) {
    var t = Date.parse(serverTime);
    if (!isNaN(t)) { offset = t - Date.now(); }
  }

  function duration(ms) {
    var s = Math.max(0, Math.floor(ms / 1000));
    var d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600), m = Math.floor(s % 3600 / 60), sec = s % 60;
    if (d > 0) { return d + " d " + h + " h"; }
    if (h > 0) { return h + " h " + m + " min"; }
    if (m > 0) { return m + " min " + sec + " s"; }
    return sec + " s";
  }

  function part(root, role) { return root.querySelector('[data-role="' + role + '"]'); }

  var months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

  // As the server writes a time (Format.Utc): "6 Dec 2026, 05:58 UTC".
  function utc(ms) {
    var d = new Date(ms);
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return d.getUTCDate() + " " + months[d.getUTCMonth()] + " " + d.getUTCFullYear() + ", "
      + two(d.getUTCHours()) + ":" + two(d.getUTCMinutes()) + " UTC";
  }

  // One sale on the page: a card on the home page or the product page.
  function Sale(root) {
    this.root = root;
    this.startsAt = Date.parse(root.dataset.startsAt);
    this.endsAt = Date.parse(root.dataset.endsAt);
    this.serverStatus = root.dataset.status;
    var remaining = part(root, "remaining");
    this.remaining = remaining ? parseInt(remaining.textContent.replace(/\D/g, ""), 10) : 1;
    this.form = part(root, "buy");
    this.busy = false;
    this.gone = false;
    // Units sold as drawn, then as the feed says: fewer sold is a cancel, maybe of this buyer's order (refreshHeld).
    var bar = part(root, "bar");
    this.sold = bar ? parseInt(bar.getAttribute("max"), 10) - this.remaining : null;
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
      countdown.textContent = status === "upcoming" ? "Starts in " + duration(this.startsAt - now)
        : status === "ended" ? "Ended" : "Ends in " + duration(this.endsAt - now);
    }
    var badge = part(this.root, "status");
    if (badge && this.root.dataset.status !== status) {
      badge.className = "badge " + status;
      badge.textContent = labels[status];
      var announce = part(this.root, "announce");
      if (announce) { announce.textContent = labels[status]; }
    }
    this.root.dataset.status = status;
    if (this.form) {
      var held = parseInt(this.form.dataset.held, 10) || 0, limit = parseInt(this.form.dataset.limit, 10) || 1;
      var button = part(this.form, "buy-button"), off = status !== "active" || held >= limit;
      // A disabled button loses the focus (to <body>): one the buyer pressed hands it to the message, a live region.
      var box = document.getElementById("flash");
      if (off && !button.disabled && document.activeElement === button && box && !box.hidden) {
        box.tabIndex = -1;
        box.focus();
      }
      button.disabled = off;
      // Busy is only marked: disabling the pressed button would drop its focus; a press while busy does nothing.
      if (this.busy) { button.setAttribute("aria-disabled", "true"); } else { button.removeAttribute("aria-disabled"); }
      var line = part(this.form, "held"), said = "You hold " + held + " of " + limit + ".";
      if (line) {
        line.hidden = held <= 0;
        if (line.textContent !== said) { line.textContent = said; }
      }
      var quantity = this.form.elements.namedItem("quantity");
      if (quantity && quantity.type === "number") { quantity.max = Math.max(1, Math.min(limit - held, this.remaining)); }
    }
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
    if (remaining) { remaining.textContent = data.remainingStock.toLocaleString("en-US"); }
    if (bar) { bar.max = data.totalStock; bar.value = data.remainingStock; }
    // The window as the server has it now: an early end or a changed window moves these too, not only the countdown.
    var opens = part(this.root, "opens"), closes = part(this.root, "closes");
    if (opens) { opens.textContent = utc(this.startsAt); }
    if (closes) { closes.textContent = utc(this.endsAt); }
    var cancelled = typeof data.sold === "number" && this.sold !== null && data.sold < this.sold;
    if (typeof data.sold === "number") { this.sold = data.sold; }
    this.render();
    if (cancelled) { this.refreshHeld(); }
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
      form.dataset.held = body.quantity;
      if (typeof body.perUserLimit === "number") { form.dataset.limit = body.perUserLimit; }
      self.render();
    }).catch(function () { /* the next cancel or the buyer's next answer tells */ });
  };

  // A card whose sale is no longer in the shop's list: deleted (or wiped). It says so and stops counting down.
  Sale.prototype.remove = function () {
    if (this.gone) { return; }
    this.gone = true;
    this.root.dataset.status = "gone";
    this.root.classList.add("gone");
    var badge = part(this.root, "status"), countdown = part(this.root, "countdown");
    if (badge) { badge.className = "badge gone"; badge.textContent = "Removed"; }
    if (countdown) { countdown.textContent = "This sale has been removed."; }
  };

  // The browser reconnects a dropped stream by itself, but gives up for good when an attempt is answered with anything
  // but a stream (a 503 while a store is down, a 429 from the per-client stream cap, a restart's 404): the stock froze
  // without a word. Such a stream is opened again here, waiting 2 s and doubling up to 30 s; a state resets the wait.
  Sale.prototype.listen = function (url) {
    var self = this, gone = false, wait = 2000;
    function open() {
      var source = new EventSource(url);
      function onState(e) { wait = 2000; self.apply(JSON.parse(e.data)); }
      source.addEventListener("snapshot", onState);
      source.addEventListener("stock", onState);
      source.addEventListener("gone", function () {
        gone = true;
        source.close();
        flash("error", "This sale has been removed.");
      });
      source.addEventListener("error", function () {
        if (gone || source.readyState !== EventSource.CLOSED) { return; }
        setTimeout(open, wait);
        wait = Math.min(wait * 2, 30000);
      });
    }
    open();
  };

  function flash(kind, text) {
    var box = document.getElementById("flash");
    if (!box) { return; }
    box.hidden = false;
    box.className = "flash " + kind;
    box.textContent = text;
  }

  function newKey() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }

  // The buy button: the JSON API with an Idempotency-Key, so a retry after a lost answer never buys twice.
  Sale.prototype.enableBuy = function () {
    var self = this, form = this.form;
    if (!form || !window.fetch) { return; }
    var saleId = this.root.dataset.sale;
    function message(code, detail) {
      var text = form.getAttribute("data-msg-" + code.replace(/_/g, "-"));
      var kind = code === "bought" ? "ok" : code === "unavailable" || code === "outcome_unknown" || code === "sale_not_found" ? "error" : "warn";
      flash(kind, (text || "Something went wrong. Please try again.") + (detail ? " " + detail : ""));
    }
    // What a limit_reached says the buyer holds, of how many allowed (its held and limit members): [1, 3]; else null.
    function heldOf(body) {
      return body.reason === "limit_reached" && typeof body.held === "number" && typeof body.limit === "number"
        ? [body.held, body.limit] : null;
    }
    // A refusal of several units while fewer are left / may still be added is not "sold out" / "limit reached":
    // the message says so, with the API's detail ("Only 1 left.", "You hold 1 of the 3 allowed per buyer."). Which it
    // is, the problem's numbers say (remaining; held and limit), never its wording.
    function refusal(body, status, asked) {
      var code = body.outcomeUnknown === true ? "outcome_unknown" : body.reason || (status === 429 ? "rate_limited" : "unavailable");
      // The key was used before with another quantity: that first purchase reached the server and may have bought.
      if (code === "idempotency_key_mismatch") { return ["outcome_unknown", null]; }
      var held = heldOf(body);
      if (code === "sold_out" && asked > 1 && body.remaining > 0) { return ["not_enough_left", body.detail]; }
      if (code === "limit_reached" && asked > 1 && held && held[0] < held[1]) { return ["over_limit", body.detail]; }
      return [code, null];
    }
    var quantityField = form.elements.namedItem("quantity");
    var keyField = form.elements.namedItem("key");
    // While a key is kept (its purchase may have gone through), its quantity is kept too and the field is locked: the
    // same key with another quantity is refused (422), and a fresh key then would buy a second time.
    var pending = null;
    function keep(quantity) {
      pending = quantity;
      quantityField.value = quantity;
      quantityField.readOnly = true;
    }
    function decided() {
      pending = null;
      quantityField.readOnly = false;
      keyField.value = newKey();
    }
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      if (self.busy) { return; }
      self.busy = true;
      self.render();
      var asked = pending || parseInt(quantityField.value, 10) || 1;
      fetch("/api/v1/sales/" + saleId + "/purchases", {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json", "Idempotency-Key": keyField.value, "Accept": "application/json",
          // Cookie-authenticated API calls must say they come from script (CSRF check, docs/security.md).
          "X-Requested-With": "fetch"
        },
        body: JSON.stringify({ quantity: asked })
      }).then(function (response) {
        if (response.status === 401) {
          window.location.href = "/login?returnUrl=" + encodeURIComponent(window.location.pathname);
          return null;
        }
        return response.json().catch(function () { return {}; }).then(function (body) {
          self.buys++;
          if (response.status === 201 || response.status === 202) {
            form.dataset.held = (parseInt(form.dataset.held, 10) || 0) + body.quantity;
            message("bought");
          } else {
            // A 503 says whether anything was bought; an answer that never came cannot (below).
            var told = refusal(body, response.status, asked);
            // What the buyer holds, as the ledger says (limit_reached's held), so the button and the line follow a
            // purchase made elsewhere (another tab, the API); a limit_reached without it holds the limit.
            var holds = heldOf(body);
            if (holds) { form.dataset.held = holds[0]; } else if (told[0] === "limit_reached") { form.dataset.held = form.dataset.limit; }
            message(told[0], told[1]);
          }
          // A decided request gets a fresh key; a 503, one in progress or one whose key was used with another quantity
          // keeps it (and its quantity) so the retry is the same purchase.
          if (response.status === 503 || body.reason === "request_in_progress" || body.reason === "idempotency_key_mismatch") {
            keep(asked);
          } else {
            decided();
          }
        });
      }).catch(function () {
        // No answer (the network, or a body that never arrived): the purchase may have gone through. The key is kept,
        // so pressing again is the same purchase.
        keep(asked);
        message("outcome_unknown");
      }).then(function () {
        self.busy = false;
        self.render();
      });
    });
  };

  // The home page's cards: one request for all of them every few seconds, the public list (GET /api/v1/sales, the
  // sales with their live status, stock and window), not a stream per card: a browser holds six connections per
  // host, and a shop of a dozen sales would take them all. The list is read from memory (the sale list the store
  // remembers, every card's stock in one ledger batch that each instance keeps for Sales:ListStockMaxAge, 1 s, however
  // many tabs poll), so a poll costs the server about what a page of the feed does. Only while the page is seen (a hidden tab asks nothing); an error,
  // 429 or 503 waits longer (Retry-After when given, else doubling up to a minute). A card whose sale is no longer
  // listed says it was removed; a new sale is only announced, with a link to reload (drawing a card needs the page).
  function poll(root, sales) {
    var every = 5000, most = 60000, wait = every, timer = null, asking = false, byId = {};
    sales.forEach(function (sale) { byId[sale.root.dataset.sale] = sale; });
    function later(ms) { clearTimeout(timer); timer = setTimeout(tick, ms); }
    function refused(response) {
      var after = response ? parseInt(response.headers.get("Retry-After"), 10) : NaN;
      wait = after > 0 ? Math.min(Math.max(after * 1000, every), 10 * most) : Math.min(wait * 2, most);
    }
    function take(body) {
      var listed = {}, fresh = false;
      (body.items || []).forEach(function (item) {
        listed[item.id] = true;
        var sale = byId[item.id];
        if (sale) { sale.apply(item); } else if (item.status !== "ended") { fresh = true; }
      });
      // Absent from a complete list is deleted, or moved out of the list's window (an upcoming sale's window edited
      // into the past): the sale itself says which, 404 or its state. Past a first page of 1,000 absence says nothing.
      if (!body.nextCursor) {
        sales.forEach(function (sale) { if (!listed[sale.root.dataset.sale] && !sale.gone) { confirm(sale); } });
      }
      var note = part(root, "new-sales");
      if (note && fresh) { note.hidden = false; }
    }
    function confirm(sale) {
      fetch("/api/v1/sales/" + sale.root.dataset.sale, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) {
          if (response.status === 404) { sale.remove(); } else if (response.ok) { return response.json().then(function (item) { sale.apply(item); }); }
        })
        .catch(function () { /* the next poll asks again */ });
    }
    function tick() {
      timer = null;
      if (document.hidden) { return; } // resumed by visibilitychange
      asking = true;
      fetch(root.dataset.poll, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) {
          if (!response.ok) { refused(response); return null; }
          return response.json().then(function (body) { wait = every; take(body); });
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
  }

  function start() {
    var roots = document.querySelectorAll("[data-starts-at]");
    var list = document.querySelector("[data-poll]");
    if (roots.length === 0 && !list) { return; }
    if (roots.length > 0) { syncClock(roots[0].dataset.serverTime); }
    var sales = Array.prototype.map.call(roots, function (root) { return new Sale(root); });
    sales.forEach(function (sale) {
      if (sale.root.dataset.live && window.EventSource) { sale.listen(sale.root.dataset.live); }
      sale.enableBuy();
      sale.render();
    });
    if (list && window.fetch) { poll(list, sales); }
    setInterval(function () { sales.forEach(function (sale) { sale.render(); }); }, 250);
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
