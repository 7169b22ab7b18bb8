import { flash } from "./flash.js";

function newKey() {
  var bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
}

// The buy button: the JSON API with an Idempotency-Key, so a retry after a lost answer never buys twice.
export function enableBuy(sale) {
  var form = sale.form;
  if (!form || !window.fetch) { return; }
  var saleId = sale.root.dataset.sale;
  function message(code, detail) {
    var text = form.getAttribute("data-msg-" + code.replace(/_/g, "-"));
    var kind = code === "bought" || code === "pending" ? "ok" : code === "unavailable" || code === "outcome_unknown" || code === "sale_not_found" ? "error" : "warn";
    flash(kind, (text || "Something went wrong. Please try again.") + (detail ? " " + detail : ""));
    sale.answered = true;
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
    if (code === "price_changed") { return [code, body.detail]; }
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
  var priceField = form.elements.namedItem("expectedUnitPrice");
  var currencyField = form.elements.namedItem("expectedCurrency");
  // The price this page shows goes with the purchase: if the sale's is another by now, nothing is bought (409
  // price_changed). A page drawn before the form had the fields sends none, and is not checked.
  function purchase(asked) {
    var body = { quantity: asked };
    if (priceField && currencyField) {
      body.expectedUnitPrice = Number(priceField.value);
      body.expectedCurrency = currencyField.value;
    }
    return body;
  }
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
    if (sale.busy) { return; }
    sale.busy = true;
    sale.render();
    var asked = pending || parseInt(quantityField.value, 10) || 1;
    fetch("/api/v1/sales/" + saleId + "/purchases", {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json", "Idempotency-Key": keyField.value, "Accept": "application/json",
        // Cookie-authenticated API calls must say they come from script (CSRF check, docs/security.md).
        "X-Requested-With": "fetch"
      },
      body: JSON.stringify(purchase(asked))
    }).then(function (response) {
      if (response.status === 401) {
        window.location.href = "/login?returnUrl=" + encodeURIComponent(window.location.pathname);
        return null;
      }
      return response.json().catch(function () { return {}; }).then(function (body) {
        sale.buys++;
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
          if (holds) { form.dataset.held = holds[0]; sale.limitIs(holds[1]); } else if (told[0] === "limit_reached") { form.dataset.held = form.dataset.limit; }
          if (told[0] === "price_changed" && typeof body.unitPrice === "number" && typeof body.currency === "string") { sale.priceIs(body.unitPrice, body.currency); }
          message(told[0], told[1]);
          if (told[0] === "sale_not_found") { sale.remove(); }
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
      sale.busy = false;
      sale.render();
    });
  });
}
