// The page's live status (Layout.LiveStatus): whether what keeps the page current is down, or can no longer come back.

// "Live updates paused" in a page's status region (Layout.LiveStatus) while what keeps it current (a sale page's stream,
// the list a page polls) is down and the page is seen; empty again once it is back. Not for a hidden tab's release of
// its stream or its polls: that is the page's own doing, and a page seen again asks at once.
// A page kept current by two sources (the dashboard: the list and its record's parts) is paused while either is down
// (who: which one says so).
export function livePaused(note, on, who) {
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
export function signedOut(note, forbidden) {
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
