// A page's parts as the script finds them: the server marks what the script reads or writes with data-role, and the
// admin's links with data-action.

export function part(root, role) { return root.querySelector('[data-role="' + role + '"]'); }

export function action(root, name) { return root.querySelector('[data-action="' + name + '"]'); }

// A whole number as a page writes it ("1,234"), or null when the page has no such part.
export function count(root, role) {
  var el = part(root, role);
  return el ? parseInt(el.textContent.replace(/\D/g, ""), 10) : null;
}

// Replaces what a part shows (swap: it returns the element that holds the part afterwards, the same one or its new
// copy) without dropping the keyboard's place: a focused element replaced went to <body>, and a keyboard or screen reader
// user was sent back to the top of the page by a live update (until 2026-12-07). The focus goes to the same element in
// the new markup (the same id, link or data-action); if it is gone, to the part itself rather than <body>.
export function swapKeepingFocus(holder, swap) {
  var had = document.activeElement;
  if (!had || had === document.body || !holder.contains(had)) { swap(); return; }
  var key = had.id ? "#" + CSS.escape(had.id)
    : had.getAttribute("href") ? had.tagName.toLowerCase() + '[href="' + CSS.escape(had.getAttribute("href")) + '"]'
    : had.dataset && had.dataset.action ? '[data-action="' + CSS.escape(had.dataset.action) + '"]' : null;
  var now = swap() || holder;
  if (had.isConnected && document.activeElement === had) { return; } // left in place
  var same = key ? now.querySelector(key) : null;
  if (same && !same.closest("[hidden]")) { same.focus(); return; }
  if (!now.hasAttribute("tabindex")) { now.tabIndex = -1; }
  now.focus();
}
