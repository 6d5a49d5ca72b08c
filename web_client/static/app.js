// Family Context web client: hash routes, rendered with GOV.UK Frontend markup. No framework, no build step.
//   #/                                   search form
//   #/search?name=..&dob=YYYY-MM-DD&caseId=..   search results (youngest first)
//   #/person/<id>                        one person
// Nothing here writes personal data to the console or to storage.
import { Accordion, Button, ErrorSummary, ServiceNavigation, SkipLink, createAll, isSupported }
  from '/vendor/govuk-frontend/dist/govuk/govuk-frontend.min.js';
import { renderSearch } from './views/search.js';
import { renderPerson } from './views/person.js';
import { html } from './html.js';

const SERVICE = 'Family Context';
// What the template's inline script would do; done here so the page needs no inline script (strict CSP).
document.body.classList.add('js-enabled', ...('noModule' in HTMLScriptElement.prototype ? ['govuk-frontend-supported'] : []));

const root = document.getElementById('app');
const statusRegion = document.getElementById('status');
const quiet = () => {};  // GOV.UK Frontend's default error handler logs to the console; errors here carry no data.

function initComponents(scope) {
  if (!isSupported()) return;
  createAll(Accordion, { rememberExpanded: false }, { scope, onError: quiet });
  createAll(ErrorSummary, {}, { scope, onError: quiet });
  createAll(Button, {}, { scope, onError: quiet });
}

const view = {
  /** Replace the page content; set the title; move focus to the page's heading (or `focus`) for screen readers. */
  render(markup, { title, focus = 'h1' } = {}) {
    root.innerHTML = String(markup);
    if (title) document.title = `${title} – ${SERVICE}`;
    initComponents(root);
    // The error summary focuses itself when it is initialised; otherwise focus the heading.
    // On the first page load focus stays at the top of the document, where the skip link is.
    if (focus && !firstRoute && !root.querySelector('.govuk-error-summary')) {
      const target = root.querySelector(focus);
      if (target) target.focus({ preventScroll: false });
    }
  },
  querySelector: (selector) => root.querySelector(selector),
};

const status = (text) => { statusRegion.textContent = text; };
let firstRoute = true;   // true while the page first loads
let current = null;       // AbortController of the route being shown
let lastSearchHash = '';  // for the person page's back link (memory only)

function parseHash() {
  const raw = window.location.hash.replace(/^#/, '') || '/';
  const [path, queryString = ''] = raw.split('?');
  return { path, params: Object.fromEntries(new URLSearchParams(queryString)) };
}

function navigate(hash) {
  if (window.location.hash === hash) route();  // same search again: hashchange would not fire
  else window.location.hash = hash;
}

async function route() {
  if (current) { current.abort(); firstRoute = false; }
  current = new AbortController();
  const { signal } = current;
  const { path, params } = parseHash();
  const context = { signal, navigate, status };
  window.scrollTo(0, 0);

  if (path === '/' || path === '') {
    return renderSearch(view, {}, context);
  }
  if (path === '/search') {
    lastSearchHash = window.location.hash;
    return renderSearch(view, params, context);
  }
  const person = /^\/person\/(.+)$/.exec(path);
  if (person) {
    return renderPerson(view, decodeURIComponent(person[1]), { ...context, backHash: lastSearchHash });
  }
  view.render(html`
    <h1 class="govuk-heading-l" tabindex="-1">Page not found</h1>
    <p class="govuk-body">If you typed the web address, check it is correct.</p>
    <p class="govuk-body"><a class="govuk-link" href="#/">Find a person</a></p>`, { title: 'Page not found' });
  return undefined;
}

createAll(SkipLink, {}, { onError: quiet });
createAll(ServiceNavigation, {}, { onError: quiet });
window.addEventListener('hashchange', route);
route();
