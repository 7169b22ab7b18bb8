// A buyer's times in the buyer's own time zone: the pages write them in UTC (<time data-local datetime="…">, Web/Format.cs
// LocalTime), which a buyer in Berlin or New York had to convert to know when a sale opens. The UTC stays in the title.
// Without script, or without time zone data, the UTC text is what the page shows.

import { local, utc } from "./format.js";

export function showLocal(time, ms) {
  var seconds = time.dataset.local === "seconds";
  time.setAttribute("datetime", new Date(ms).toISOString());
  time.title = utc(ms, seconds);
  var text = local(ms, seconds);
  if (time.textContent !== text) { time.textContent = text; }
}

export function localTimes(root) {
  Array.prototype.forEach.call(root.querySelectorAll("time[data-local]"), function (time) {
    var ms = Date.parse(time.getAttribute("datetime"));
    if (!isNaN(ms)) { showLocal(time, ms); }
  });
}
