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

  function action(root, name) { return root.querySelector('[data-action="' + name + '"]'); }

  // A whole number as a page writes it ("1,234"), or null when the page has no such part.
  function count(root, role) {
    var el = part(root, role);
    return el ? parseInt(el.textContent.replace(/\D/g, ""), 10) : null;
  }

  function number(n) { return n.toLocaleString("en-US"); }

  // Sold of the stock in %, rounded down to one decimal as the server writes it (Format.Percent): 100 only when sold out.
  function percent(sold, total) { return total > 0 ? Math.floor(sold * 1000 / total) / 10 : 0; }

  var months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

  // As the server writes a time (Format.Utc): "6 Dec 2026, 05:58 UTC".
  function utc(ms) {
    var d = new Date(ms);
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return d.getUTCDate() + " " + months[d.getUTCMonth()] + " " + d.getUTCFullYear() + ", "
      + two(d.getUTCHours()) + ":" + two(d.getUTCMinutes()) + " UTC";
  }

  // One sale on the page: a card on the home page, the product page, the admin's sale page or a row of the dashboard's
  // table. Each shows what it has of the same state (the data-role parts it holds); the admin's add the units sold, the
  // sell-through and their links, which follow the admin API's rules.
  function Sale(root) {
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
    this.moved = null; // the admin's sale page: units sold or returned, so its record parts are read soon (record)
    this.reader = null;
    this.form = part(root, "buy");
    this.busy = false;
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
    // The admin's links, as the admin API allows them: End until the sale has ended, Delete only while nothing is sold
    // (a sale with an order, cancelled ones too, is never deleted: neither comes back, so they are only ever hidden).
    var end = action(this.root, "end"), drop = action(this.root, "delete");
    if (end && status === "ended") { end.hidden = true; }
    if (drop && this.sold > 0) { drop.hidden = true; }
    if (this.form) {
      var held = parseInt(this.form.dataset.held, 10) || 0, limit = parseInt(this.form.dataset.limit, 10) || 1;
      // Why the button is off, or "active" (Web/BuyButtonLabels.cs): the status first, then the buyer's limit.
      var why = status !== "active" ? status : held >= limit ? "held" : "active";
      var button = part(this.form, "buy-button"), off = why !== "active";
      // A disabled button loses the focus (to <body>): one the buyer pressed hands it to the message, a live region.
      var box = document.getElementById("flash");
      if (off && !button.disabled && document.activeElement === button && box && !box.hidden) {
        box.tabIndex = -1;
        box.focus();
      }
      button.disabled = off;
      var label = this.form.getAttribute("data-label-" + why.replace(/_/g, "-"));
      if (label && button.textContent !== label) { button.textContent = label; }
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
    if (remaining) { remaining.textContent = number(data.remainingStock); }
    if (bar) { bar.max = data.totalStock; bar.value = data.remainingStock; }
    this.figures(data);
    // The window as the server has it now: an early end or a changed window moves these too, not only the countdown.
    var opens = part(this.root, "opens"), closes = part(this.root, "closes");
    if (opens) { opens.textContent = utc(this.startsAt); }
    if (closes) { closes.textContent = utc(this.endsAt); }
    if (typeof data.perUserLimit === "number") { this.limitIs(data.perUserLimit); }
    var cancelled = typeof data.sold === "number" && this.sold !== null && data.sold < this.sold;
    var moved = typeof data.sold === "number" && this.sold !== null && data.sold !== this.sold;
    if (typeof data.sold === "number") { this.sold = data.sold; }
    this.render();
    if (cancelled) { this.refreshHeld(); }
    if (moved && this.moved) { this.moved(); }
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
    // "Sold out in 4 s" is the record's, of a sale sold out: not once a cancel has put units back.
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
    var button = this.form && part(this.form, "buy-button"), box = document.getElementById("flash");
    if (button) {
      // As render does: a disabled button drops the focus, so the buyer's goes to the message.
      if (document.activeElement === button && box && !box.hidden) { box.tabIndex = -1; box.focus(); }
      button.disabled = true;
      button.removeAttribute("aria-disabled");
      button.textContent = this.form.getAttribute("data-label-gone") || button.textContent;
    }
  };

  // How a removed sale reads: a sale's card, page or row, and a dashboard row of an ended sale (which nothing follows).
  function removedLook(root) {
    root.dataset.status = "gone";
    root.classList.add("gone");
    var badge = part(root, "status"), countdown = part(root, "countdown");
    if (badge) { badge.className = "badge gone"; badge.textContent = "Removed"; }
    if (countdown) { countdown.textContent = "This sale has been removed."; }
    Array.prototype.forEach.call(root.querySelectorAll("[data-action]"), function (link) { link.hidden = true; });
  }

  // "Live updates paused" in a page's status region (Layout.LiveStatus) while what keeps it current (a sale page's stream,
  // the list a page polls) is down and the page is seen; empty again once it is back. Not for a hidden tab's release of
  // its stream or its polls: that is the page's own doing, and a page seen again asks at once.
  // A page kept current by two sources (the dashboard: the list and its record's parts) is paused while either is down
  // (who: which one says so).
  function livePaused(note, on, who) {
    if (!note) { return; }
    var down = note.flashsaleDown || (note.flashsaleDown = {});
    down[who || "stream"] = on;
    if (note.flashsaleSignedOut) { return; } // no retry brings that source back: the sign-in note stays
    var any = Object.keys(down).some(function (source) { return down[source]; });
    var text = any ? "Live updates paused \u2014 reconnecting\u2026" : "";
    // Written only when it changes: a live region told the same words again may read them out again.
    if (note.textContent !== text) { note.textContent = text; }
  }

  // An admin source answered that the session is over (a lapsed or revoked cookie's redirect to the sign-in, a 401) or
  // that the account may not read it (403): no retry can succeed, so the page stops asking it and says so in the same
  // region, with a link to sign in and come back here. Only a link: a page polling in the background never navigates
  // away by itself (the buy button's 401 does, the buyer having pressed it). Until 2026-12-06 the page read "Live
  // updates paused — reconnecting…" and asked again forever (DashboardLiveTests.ASignedOutSession_…).
  function signedOut(note, forbidden) {
    if (!note || note.flashsaleSignedOut) { return; }
    note.flashsaleSignedOut = true;
    var here = window.location.pathname, query = new URLSearchParams(window.location.search);
    query.delete("m"); // a message of the page's own last action, not to be shown again on the way back
    here += query.toString() ? "?" + query.toString() : "";
    var link = document.createElement("a");
    link.href = "/login?returnUrl=" + encodeURIComponent(here);
    link.textContent = forbidden ? "sign in as an admin" : "sign in again";
    note.textContent = "";
    note.appendChild(document.createTextNode(forbidden ? "Not allowed for this account \u2014 " : "Signed out \u2014 "));
    note.appendChild(link);
    note.appendChild(document.createTextNode(" to resume live updates."));
  }

  // A sale as the server has it now (GET /api/v1/sales/{id}), for a page that lost track of it: a card missing from the
  // home page's list, a stream the browser gave up on, a dashboard row missing from the page's table. Resolves to the sale
  // when it is there, false when the API answers 404 sale_not_found (deleted), null when the answer says neither (a 503,
  // a proxy's error page, no answer): the caller asks again later.
  function lookup(id) {
    if (!window.fetch) { return Promise.resolve(null); }
    return fetch("/api/v1/sales/" + id, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (response.ok) { return response.json(); }
        if (response.status !== 404) { return null; }
        return response.json().then(function (body) { return body.reason === "sale_not_found" ? false : null; });
      })
      .catch(function () { return null; });
  }

  // This sale looked up (lookup): true (and the state applied) when it is there, false when deleted, null when unknown.
  Sale.prototype.check = function () {
    var self = this;
    return lookup(this.root.dataset.sale).then(function (item) {
      if (item) { self.apply(item); return true; }
      return item;
    });
  };

  // The live stream of a sale's page (the product page, the admin's sale page).
  // The browser reconnects a dropped stream by itself, but gives up for good when an attempt is answered with anything
  // but a stream (a 503 while a store is down, a 429 from the per-client stream cap, the 404 of a sale deleted meanwhile):
  // the stock froze without a word. Such a stream is opened again here, waiting 2 s and doubling up to 30 s; a state
  // resets the wait. Before that the sale itself is read (check): a sale deleted while the stream was down never sent its
  // "gone", and a page that only reopened the stream kept offering it (LiveReconnectTests.ASaleDeleted…).
  // While the stream is down the page says so ("Live updates paused"), rather than show a stale stock without a word
  // (LiveReconnectTests.AStreamThatDrops…).
  // Only while the page is seen: over HTTP/1.1 a browser holds six connections per host for all its tabs, and each open
  // stream keeps one. Six sale pages open, a seventh page never loaded and a purchase from any of them never left (until
  // 2026-12-06; LivePageTests.SixSalePagesOpen_…). A hidden tab closes its stream and opens it again when seen: the new
  // stream's snapshot tells what changed meanwhile. That release is the page's own doing, and says nothing.
  Sale.prototype.listen = function (url) {
    var self = this, wait = 2000, source = null, timer = null, note = part(this.root, "live");
    function removed() {
      if (source) { source.close(); source = null; }
      livePaused(note, false);
      flash("error", "This sale has been removed.");
      self.remove();
    }
    function open() {
      timer = null;
      if (self.gone || document.hidden) { return; }
      var stream = source = new EventSource(url);
      function onState(e) { wait = 2000; self.apply(JSON.parse(e.data)); }
      // Open again (the browser's own reconnect too): a resumed stream whose state is unchanged sends no snapshot.
      stream.addEventListener("open", function () { if (stream === source) { livePaused(note, false); } });
      stream.addEventListener("snapshot", onState);
      stream.addEventListener("stock", onState);
      stream.addEventListener("gone", removed);
      stream.addEventListener("error", function () {
        if (self.gone || stream !== source) { return; }
        livePaused(note, true);
        if (stream.readyState !== EventSource.CLOSED) { return; } // the browser tries again by itself
        source = null;
        self.check().then(function (found) {
          if (found === false) { removed(); return; }
          // Seen meanwhile (hidden and shown again), the page has opened a stream already.
          if (self.gone || source !== null || timer !== null || document.hidden) { return; }
          timer = setTimeout(open, wait);
          wait = Math.min(wait * 2, 30000);
        });
      });
    }
    document.addEventListener("visibilitychange", function () {
      if (document.hidden) {
        if (source) { source.close(); source = null; }
        clearTimeout(timer);
        timer = null;
        livePaused(note, false);
      } else if (!source && timer === null) {
        wait = 2000;
        open();
      }
    });
    open();
  };

  // The admin's sale page's record parts (Web/AdminSaleView.cs: revenue, orders, "sold out in", the time of the read, the
  // chart and leaderboard, the latest orders), read again (reread) every 15 s and soon after the feed shows units moved.
  // A part is replaced only when it changed (a focused cancel link is left alone otherwise). Until 2026-12-06 they stayed
  // as the page was drawn, only marked behind (AdminLiveTests.SalePage_ShowsAPurchase…).
  Sale.prototype.record = function (url) {
    var self = this;
    function take(fresh) {
      var parts = fresh.querySelectorAll("[data-part]");
      var pairs = Array.prototype.map.call(parts, function (next) {
        return [self.root.querySelector('[data-part="' + next.dataset.part + '"]'), next];
      });
      if (parts.length === 0 || pairs.some(function (pair) { return !pair[0]; })) { return false; }
      pairs.forEach(function (pair) { if (pair[0].outerHTML !== pair[1].outerHTML) { pair[0].replaceWith(pair[1]); } });
      self.behind(self.sold);
      return true;
    }
    this.reader = reread(part(this.root, "live"), url, take);
    this.moved = this.reader.soon;
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
      var kind = code === "bought" || code === "pending" ? "ok" : code === "unavailable" || code === "outcome_unknown" || code === "sale_not_found" ? "error" : "warn";
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
      var code = body.outcomeUnknown === true || undecided(body, status) ? "outcome_unknown"
        : body.reason || (status === 429 ? "rate_limited" : "unavailable");
      // The key was used before with another quantity: that first purchase reached the server and may have bought.
      if (code === "idempotency_key_mismatch") { return ["outcome_unknown", null]; }
      var held = heldOf(body);
      if (code === "sold_out" && asked > 1 && body.remaining > 0) { return ["not_enough_left", body.detail]; }
      if (code === "limit_reached" && asked > 1 && held && held[0] < held[1]) { return ["over_limit", body.detail]; }
      return [code, null];
    }
    // A server error the API did not decide: a load balancer's 502 (the instance died with the purchase sent) or 504
    // (no answer in time), or a 500. The purchase may have gone through, as with an answer that never came; only the
    // API's own 503 (reason unavailable) says whether it did. Until 2026-12-06 these read "nothing was bought" and took
    // a fresh key, so pressing again bought a second order.
    function undecided(body, status) {
      return status >= 500 && !(status === 503 && body.reason === "unavailable");
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
            // A 202 is taken, not yet recorded (distributed): told apart from a confirmed order.
            message(response.status === 202 ? "pending" : "bought");
          } else {
            // A 503 says whether anything was bought; an answer that never came cannot (below).
            var told = refusal(body, response.status, asked);
            // What the buyer holds, as the ledger says (limit_reached's held), so the button and the line follow a
            // purchase made elsewhere (another tab, the API); a limit_reached without it holds the limit.
            var holds = heldOf(body);
            if (holds) { form.dataset.held = holds[0]; self.limitIs(holds[1]); } else if (told[0] === "limit_reached") { form.dataset.held = form.dataset.limit; }
            message(told[0], told[1]);
            if (told[0] === "sale_not_found") { self.remove(); }
          }
          // A decided request gets a fresh key; a 503 or any other 5xx, or one whose key was used with another quantity,
          // keeps it (and its quantity) so the retry is the same purchase.
          if (response.status >= 500 || body.reason === "idempotency_key_mismatch") {
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

  // The home page's cards and the dashboard's rows: one request for all of them every few seconds, the public list (GET
  // /api/v1/sales, the sales with their live status, stock and window), not a stream per card: a browser holds six
  // connections per host, and a shop of a dozen sales would take them all. The list is read from memory (the sale list the store
  // remembers, every card's stock in one ledger batch that each instance keeps for Sales:ListStockMaxAge, 1 s, however
  // many tabs poll), so a poll costs the server about what a page of the feed does. Only while the page is seen (a hidden tab asks nothing); an error,
  // 429 or 503 waits longer (Retry-After when given, else doubling up to a minute). A card whose sale is no longer
  // listed says it was removed; a new sale is only announced (where the page has the note: the home page), with a link to
  // reload (drawing a card needs the page). The dashboard draws its new rows from its record's parts (refresh below),
  // asks only while a row follows the list, and is told (moved) when units move or a sale it has not seen is listed.
  function poll(root, sales, moved) {
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
      var news = part(root, "new-sales");
      if (news && fresh) { news.hidden = false; }
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

  // Record parts drawn again by the server from a fresh read of the record (an admin page's data-refresh: the dashboard's
  // GET /admin/live, a sale's GET /admin/sales/{id}/live), taken in by take(fragment), which says whether the fragment
  // was whole. Every 15 s while the page is seen, and 5 s after the last read at the soonest when the page's live source
  // shows units moved (soon). A hidden tab reads nothing and reads at once when seen again. A failure is "Live updates
  // paused" and waits longer (Retry-After when given, at least 15 s, else doubling up to a minute); the end of the
  // session (the sign-in's redirect, a 401) or a 403 stops the reads for good and says so (signedOut); so does stop() (the
  // page's sale was removed: nothing more to read). At most 4 reads a minute, 12 while units move.
  function reread(note, url, take) {
    var every = 15000, soonest = 5000, most = 60000, wait = every, timer = null, due = 0, asking = false, again = false;
    var last = Date.now(), stopped = false;
    function later(ms) { clearTimeout(timer); due = Date.now() + ms; timer = setTimeout(tick, ms); }
    function refused(response) {
      livePaused(note, true, "record");
      var after = response ? parseInt(response.headers.get("Retry-After"), 10) : NaN;
      wait = after > 0 ? Math.min(Math.max(after * 1000, every), 10 * most) : Math.min(wait * 2, most);
    }
    function tick() {
      timer = null;
      if (stopped || document.hidden) { return; } // resumed by visibilitychange
      asking = true;
      again = false;
      last = Date.now();
      // A lapsed session is sent to the sign-in page: not followed (manual), so it is seen as the redirect it is.
      fetch(url, { credentials: "same-origin", redirect: "manual", headers: { "Accept": "text/html" } })
        .then(function (response) {
          if (response.type === "opaqueredirect" || response.status === 401 || response.status === 403) {
            stopped = true;
            signedOut(note, response.status === 403);
            return null;
          }
          if (!response.ok) { refused(response); return null; }
          return response.text().then(function (text) {
            var fresh = document.createElement("template");
            fresh.innerHTML = text;
            if (take(fresh.content)) { wait = every; livePaused(note, false, "record"); } else { refused(null); }
          });
        })
        .catch(function () { refused(null); })
        .then(function () {
          asking = false;
          if (!document.hidden && !stopped) { later(again && wait === every ? soonest : wait); }
        });
    }
    document.addEventListener("visibilitychange", function () {
      if (!document.hidden && !asking && timer === null && !stopped) { tick(); }
    });
    later(every);
    return {
      stop: function () {
        stopped = true;
        clearTimeout(timer);
        timer = null;
        livePaused(note, false, "record");
      },
      // Units moved or a sale appeared: the record's parts now, or 5 s after the last read; not while failing (its wait holds).
      soon: function () {
        if (stopped || wait !== every || document.hidden) { return; }
        if (asking) { again = true; return; }
        var at = Math.max(Date.now(), last + soonest);
        if (timer === null || due > at) { later(at - Date.now()); }
      }
    };
  }

  // The dashboard's record parts (Web/DashboardView.cs: the figures and the time of their read, the chart, the top products,
  // the table's rows and its pager), read again (reread) when the list shows units moved or a new sale. A part is replaced
  // only when it changed. The table keeps the rows it has (the list keeps them current) and
  // takes the page's order: a new sale's row is drawn where the server puts it, a row edited elsewhere takes its product,
  // price and window, an ended sale's row (which the list does not follow) is drawn again when it changed. A row no longer
  // on the page is looked up: deleted, it reads "Removed" where it is; still there (moved to an older page by newer
  // sales, or by an edited start), it leaves the table.
  function refresh(root, sales, list) {
    var names = ["figures", "panels", "table", "pager"];
    function partOf(from, name) { return from.querySelector('[data-part="' + name + '"]'); }
    function take(fresh) {
      if (!names.every(function (name) { return partOf(fresh, name) && partOf(root, name); })) { return false; }
      ["figures", "panels", "pager"].forEach(function (name) {
        var now = partOf(root, name), next = partOf(fresh, name);
        if (now.innerHTML !== next.innerHTML) { now.innerHTML = next.innerHTML; }
      });
      rows(partOf(root, "table"), partOf(fresh, "table"));
      return true;
    }
    function saleOf(row) {
      for (var i = 0; i < sales.length; i++) { if (sales[i].root === row) { return sales[i]; } }
      return null;
    }
    function adopt(row) {
      if (!row.dataset.sale) { return; }
      var sale = new Sale(row);
      list.follow(sale);
      sale.render();
    }
    function leave(row) {
      var sale = saleOf(row);
      if (sale) { list.drop(sale); }
      if (row.parentNode) { row.parentNode.removeChild(row); }
    }
    function rows(table, fresh) {
      var body = table.querySelector("tbody"), freshBody = fresh.querySelector("tbody");
      if (!body) {
        // Drawn without a table (no sales yet): the first rows come with the whole part.
        if (freshBody) {
          table.innerHTML = fresh.innerHTML;
          Array.prototype.forEach.call(table.querySelectorAll("tr[data-row]"), adopt);
        }
        return;
      }
      var had = {}, placed = {}, sequence = [];
      Array.prototype.forEach.call(body.children, function (row) { had[row.dataset.row] = row; });
      Array.prototype.forEach.call(freshBody ? freshBody.children : [], function (row) {
        var id = row.dataset.row, old = had[id];
        if (old && (old.dataset.sale || old.classList.contains("gone"))) {
          // Followed by the list (its status, units and links); the rest as the server draws it now.
          ["Product", "Price", "Window (UTC)"].forEach(function (label) {
            var cell = '[data-label="' + label + '"]', mine = old.querySelector(cell), theirs = row.querySelector(cell);
            if (mine && theirs && mine.innerHTML !== theirs.innerHTML) { mine.innerHTML = theirs.innerHTML; }
          });
          row = old;
        } else if (old && old.outerHTML === row.outerHTML) {
          row = old;
        } else {
          adopt(row); // a new row, or an ended sale's row drawn again
        }
        placed[id] = row;
        sequence.push(row);
      });
      // A row no longer listed stays where it was, after the row it followed, until its sale says why.
      var after = null;
      Array.prototype.forEach.call(body.children, function (row) {
        var id = row.dataset.row;
        if (placed[id]) { after = placed[id]; return; }
        sequence.splice(after ? sequence.indexOf(after) + 1 : 0, 0, row);
        after = row;
        if (!row.classList.contains("gone")) { missing(row); }
      });
      // In the page's order, moving only what is out of place (a moved row that holds the focus loses it).
      sequence.forEach(function (row, i) {
        if (body.children[i] !== row) { body.insertBefore(row, body.children[i] || null); }
      });
      while (body.children.length > sequence.length) { leave(body.children[sequence.length]); }
    }
    function missing(row) {
      var id = row.dataset.row, sale = saleOf(row);
      lookup(id).then(function (item) {
        if (item === null || row.classList.contains("gone") || !row.parentNode) { return; }
        if (item === false) {
          if (sale) { sale.remove(); } else { removedLook(row); }
        } else {
          leave(row);
        }
      });
    }
    return reread(part(root, "live"), root.dataset.refresh, take);
  }

  function start() {
    var roots = document.querySelectorAll("[data-starts-at]");
    var list = document.querySelector("[data-poll]");
    if (roots.length === 0 && !list) { return; }
    if (roots.length > 0) { syncClock(roots[0].dataset.serverTime); }
    var sales = Array.prototype.map.call(roots, function (root) { return new Sale(root); });
    sales.forEach(function (sale) {
      if (sale.root.dataset.live && window.EventSource) { sale.listen(sale.root.dataset.live); }
      if (sale.root.dataset.refresh && window.fetch) { sale.record(sale.root.dataset.refresh); }
      sale.enableBuy();
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
})();
