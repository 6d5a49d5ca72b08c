// A tagged template that escapes every interpolated value unless it is already markup made by `html`.
// All page content goes through it, so a name like `<b>O'Brien</b>` is shown as text, never run as markup.

class Markup {
  constructor(text) { this.text = text; }
  toString() { return this.text; }
}

const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

export function escape(value) {
  return String(value).replace(/[&<>"'`]/g, (c) => ESCAPES[c]);
}

function render(value) {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof Markup) return value.text;
  if (Array.isArray(value)) return value.map(render).join('');
  return escape(value);
}

export function html(strings, ...values) {
  let out = strings[0];
  values.forEach((value, i) => { out += render(value) + strings[i + 1]; });
  return new Markup(out);
}

// Hrefs built from data: only the schemes the page uses, with the value percent-encoded where needed.
export const personHref = (id) => `#/person/${encodeURIComponent(id)}`;
export const telHref = (number) => `tel:${String(number).replace(/[^0-9+]/g, '')}`;
export const mailtoHref = (email) => `mailto:${encodeURIComponent(String(email).trim()).replace(/%40/g, '@')}`;
