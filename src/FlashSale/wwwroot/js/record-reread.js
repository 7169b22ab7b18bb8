import { livePaused, signedOut } from "./live-status.js";
import { localTimes } from "./local-time.js";

// Record parts drawn again by the server from a fresh read of the record (an admin page's data-refresh: the dashboard's
// GET /admin/live, a sale's GET /admin/sales/{id}/live), taken in by take(fragment), which says whether the fragment
// was whole. Every 15 s while the page is seen, and 5 s after the last read at the soonest when the page's live source
// shows units moved (soon). A hidden tab reads nothing and reads at once when seen again. A failure is "Live updates
// paused" and waits longer (Retry-After when given, at least 15 s, else doubling up to a minute); the end of the
// session (the sign-in's redirect, a 401) or a 403 stops the reads for good and says so (signedOut); so does stop() (the
// page's sale was removed: nothing more to read). At most 4 reads a minute, 12 while units move.
export function reread(note, url, take) {
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
          // Its times as the page shows them (in the reader's zone), so an unchanged part compares equal and a new one
          // reads as the rest of the page.
          localTimes(fresh.content);
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
