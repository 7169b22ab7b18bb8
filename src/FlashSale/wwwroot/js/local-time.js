// A buyer's and an admin's times in their own time zone: the pages write them in UTC (<time data-local="form"
// datetime="…">, Web/Format.cs LocalTime, LocalClock, LocalShort), which a buyer in Berlin or New York had to convert to
// know when a sale opens (and an admin, until 2026-12-07, every time on the admin's pages). The UTC stays in the title.
// Without script, or without time zone data, the UTC text is what the page shows. Record parts an admin page reads again
// are shown so before they are compared with the page's (record-reread.js).

import { local, utc } from "./format.js";

export function showLocal(time, ms) {
  var form = time.dataset.local;
  time.setAttribute("datetime", new Date(ms).toISOString());
  time.title = utc(ms, form === "seconds" || form === "clock");
  var text = local(ms, form);
  if (time.textContent !== text) { time.textContent = text; }
}

export function localTimes(root) {
  Array.prototype.forEach.call(root.querySelectorAll("time[data-local]"), function (time) {
    var ms = Date.parse(time.getAttribute("datetime"));
    if (!isNaN(ms)) { showLocal(time, ms); }
  });
}
