// The server's clock, which the pages go by: a countdown and a sale's status follow the server's time (every page and
// every state of a sale carries it), never this browser's clock, which may be off.

var offset = 0; // server clock minus this browser's clock, in ms

export function serverNow() { return Date.now() + offset; }

export function syncClock(serverTime) {
  var t = Date.parse(serverTime);
  if (!isNaN(t)) { offset = t - Date.now(); }
}
