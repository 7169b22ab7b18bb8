// The page's message (Layout.FlashBox, #flash): a status region, so what is written in it is read out too.

export function flash(kind, text) {
  var box = document.getElementById("flash");
  if (!box) { return; }
  box.hidden = false;
  box.className = "flash " + kind;
  box.textContent = text;
}
