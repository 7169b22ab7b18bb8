import { part, swapKeepingFocus } from "./dom.js";
import { reread } from "./record-reread.js";
import { removedLook, Sale } from "./sale.js";
import { lookup } from "./sale-lookup.js";

// The dashboard's record parts (Web/DashboardView.cs: the figures and the time of their read, the chart, the top products,
// the table's filters with their counts, its rows and its pager), read again (reread) when the list shows units moved or a new sale. A part is replaced
// only when it changed. The table keeps the rows it has (the list keeps them current) and
// takes the page's order: a new sale's row is drawn where the server puts it, a row edited elsewhere takes its product,
// price and window, an ended sale's row (which the list does not follow) is drawn again when it changed. A row no longer
// on the page is looked up: deleted, it reads "Removed" where it is; still there (moved to an older page by newer
// sales, or by an edited start), it leaves the table.
export function refresh(root, sales, list) {
  var names = ["figures", "panels", "filters", "table", "pager"];
  function partOf(from, name) { return from.querySelector('[data-part="' + name + '"]'); }
  function take(fresh) {
    if (!names.every(function (name) { return partOf(fresh, name) && partOf(root, name); })) { return false; }
    ["figures", "panels", "filters", "pager"].forEach(function (name) {
      var now = partOf(root, name), next = partOf(fresh, name);
      if (now.innerHTML !== next.innerHTML) { swapKeepingFocus(now, function () { now.innerHTML = next.innerHTML; }); }
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
        swapKeepingFocus(table, function () { table.innerHTML = fresh.innerHTML; });
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
        ["Product", "Price", "Window"].forEach(function (label) {
          var cell = '[data-label="' + label + '"]', mine = old.querySelector(cell), theirs = row.querySelector(cell);
          if (mine && theirs && mine.innerHTML !== theirs.innerHTML) {
            swapKeepingFocus(mine, function () { mine.innerHTML = theirs.innerHTML; });
          }
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
    // In the page's order, moving only what is out of place (a moved row that holds the focus would lose it: it is
    // focused again, swapKeepingFocus).
    sequence.forEach(function (row, i) {
      if (body.children[i] !== row) { swapKeepingFocus(row, function () { body.insertBefore(row, body.children[i] || null); }); }
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
