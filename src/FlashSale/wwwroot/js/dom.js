// A page's parts as the script finds them: the server marks what the script reads or writes with data-role, and the
// admin's links with data-action.

export function part(root, role) { return root.querySelector('[data-role="' + role + '"]'); }

export function action(root, name) { return root.querySelector('[data-action="' + name + '"]'); }

// A whole number as a page writes it ("1,234"), or null when the page has no such part.
export function count(root, role) {
  var el = part(root, role);
  return el ? parseInt(el.textContent.replace(/\D/g, ""), 10) : null;
}
