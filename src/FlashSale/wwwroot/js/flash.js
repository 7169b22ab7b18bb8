// The page's message: on a sale's page with a buy button, the answer line under it (ShopPages.BuyForm,
// data-role="answer"); elsewhere the message box above the content (Layout.FlashBox, #flash). Both are status regions,
// so what is written in them is read out too.
// Until 2026-12-07 a purchase's answer went to the box above the product: on a phone that was 177 px above the screen
// while the buyer looked at the button, saw nothing happen, and pressed again (a second order, under a new key).

function box() {
  return document.querySelector('[data-role="answer"]') || document.getElementById("flash");
}

// The answer line is never hidden, only empty (ShopPages.BuyForm): a status region shown together with its text is
// often not read out (until 2026-12-07 it was hidden until its first answer).
export function flash(kind, text) {
  var target = box(), top = document.getElementById("flash");
  if (!target) { return; }
  // The box above may hold an earlier purchase's answer (a form post's ?m=): not left standing beside this one.
  if (top && top !== target) { top.hidden = true; }
  target.hidden = false;
  target.className = "flash " + kind;
  write(target, text);
}

// The text, with the words "My orders" a link to the buyer's orders (as Layout.FlashBox renders a posted message): the
// answer "You got it! … see My orders." pointed at a page without a way there but the header's link until 2026-12-07.
// Built from text nodes, never parsed as HTML: a problem's detail shown in the message stays text.
function write(target, text) {
  var parts = text.split("My orders");
  target.textContent = "";
  parts.forEach(function (part, i) {
    if (i > 0) {
      var link = document.createElement("a");
      link.href = "/orders";
      link.textContent = "My orders";
      target.appendChild(link);
    }
    target.appendChild(document.createTextNode(part));
  });
}

// A form whose button (and quantity) are about to be disabled drops the focus (to <body>): a buyer's in it goes to the
// message instead, which says why: the answer to their purchase, just written (replace false), or else the reason the
// button goes off (the live feed's last unit taken by another buyer) — written over an older answer, which would say
// nothing about it. Until 2026-12-07 the focus was lost whenever no message was showing yet. Whether it wrote the reason
// (the page then says no more of the same change: sale.js render).
export function keepFocus(within, reason, replace) {
  var target = box();
  if (!target || !within.contains(document.activeElement)) { return false; }
  var wrote = !!reason && (replace || target.hidden || !target.textContent);
  if (wrote) { flash("warn", reason); }
  target.tabIndex = -1;
  target.focus();
  return wrote;
}

// A form post's answer comes as ?m= on the page it redirects to (a purchase, a sale created or saved): told once. The
// address loses it, so a reload, a bookmark or the back button does not tell it again (until 2026-12-07 "You got it!"
// came back with every reload, after later purchases too).
export function forgetPostedMessage() {
  if (!window.history || !history.replaceState || !/[?&]m=/.test(location.search)) { return; }
  var url = new URL(location.href);
  url.searchParams.delete("m");
  // The dashboard's message after End or Delete names the sale from these two; they go with it.
  url.searchParams.delete("name");
  url.searchParams.delete("sku");
  history.replaceState(history.state, "", url.pathname + url.search + url.hash);
}
