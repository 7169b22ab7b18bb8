// One sale read from the public API.

// A sale as the server has it now (GET /api/v1/sales/{id}), for a page that lost track of it: a card missing from the
// home page's list, a stream the browser gave up on, a dashboard row missing from the page's table. Resolves to the sale
// when it is there, false when the API answers 404 sale_not_found (deleted), null when the answer says neither (a 503,
// a proxy's error page, no answer): the caller asks again later.
export function lookup(id) {
  if (!window.fetch) { return Promise.resolve(null); }
  return fetch("/api/v1/sales/" + id, { credentials: "same-origin", headers: { "Accept": "application/json" } })
    .then(function (response) {
      if (response.ok) { return response.json(); }
      if (response.status !== 404) { return null; }
      return response.json().then(function (body) { return body.reason === "sale_not_found" ? false : null; });
    })
    .catch(function () { return null; });
}
