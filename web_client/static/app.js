// Family Context web client: hash routes, rendered with GOV.UK Frontend markup. No framework, no build step.
//   #/                                   search form (or, for roles that do not search people, their start page)
//   #/search?name=..&dob=YYYY-MM-DD&caseId=..[&after=..]   search results (youngest first; one case ID match opens the person)
//   #/person/<id>                        one person (after the purpose of access, once per person per session)
//   #/person/<id>/team                   team around the child: copy, print, download CSV
//   #/person/<id>/network?depth=&links=  family network graph with a table alternative
//   #/person/<id>/report                 report a problem with this information
//   #/analyst?person=<id>                relationship queries (MASSH analysts, team managers)
//   #/ig/permissions, #/ig/audit         permission matrix and audit search (IG reviewers, team managers)
//   #/data/sources                       load report: sources, freshness, rows in/loaded/quarantined
//   #/data/problems?status=              the data manager's problem report queue (take, resolve)
//   #/data/review?status=&after=         the data manager's match review queue (same person / not the same person)
//   #/reports/mine                       the problems I reported, with their outcome
//   #/reports/usage?since=&until=&by=    usage figures (team managers, the service owner, IG reviewers), CSV export
// Nothing here writes personal data to the console or to storage.
import { Accordion, Button, ErrorSummary, ServiceNavigation, SkipLink, createAll, isSupported }
  from '/vendor/govuk-frontend/dist/govuk/govuk-frontend.min.js';
import { renderSearch } from './views/search.js';
import { renderPerson } from './views/person.js';
import { renderTeam } from './views/team.js';
import { renderNetwork } from './views/network.js';
import { renderAnalyst } from './views/analyst.js';
import { renderAudit, renderPermissions } from './views/ig.js';
import { renderSources } from './views/data.js';
import { renderMyReports, renderQueue, renderReport } from './views/report.js';
import { html } from './html.js';
import { currentUser, hasRole, readsPeople } from './session.js';

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

function navigate(hash, { replace = false } = {}) {
  if (replace) {
    lastSearchHash = '';
    window.location.replace(hash);
  } else if (window.location.hash === hash) route();  // same search again: hashchange would not fire
  else window.location.hash = hash;
}

// The pages each role is offered in the service navigation. The server decides what each role may read; the
// navigation only avoids offering pages that would answer "not allowed".
const NAV = [
  { key: 'search', href: '#/', text: 'Find a person', show: readsPeople },
  { key: 'analyst', href: '#/analyst', text: 'Relationship queries', show: (u) => hasRole(u, 'massh_analyst', 'team_manager') },
  { key: 'permissions', href: '#/ig/permissions', text: 'Who can see what', show: (u) => hasRole(u, 'ig_reviewer', 'team_manager', 'data_manager') },
  { key: 'audit', href: '#/ig/audit', text: 'Audit', show: (u) => hasRole(u, 'ig_reviewer', 'team_manager') },
  { key: 'problems', href: '#/data/problems', text: 'Problem reports', show: (u) => hasRole(u, 'data_manager') },
  { key: 'review', href: '#/data/review', text: 'Match review', show: (u) => hasRole(u, 'data_manager') },
  { key: 'usage', href: '#/reports/usage', text: 'Usage', show: (u) => hasRole(u, 'team_manager', 'data_manager', 'ig_reviewer') },
  { key: 'mine', href: '#/reports/mine', text: 'Your reports', show: (u) => hasRole(u, 'social_worker', 'team_manager', 'massh_analyst') },
  { key: 'sources', href: '#/data/sources', text: 'Data sources', show: () => true },
];

function renderNavigation(user, active) {
  const list = document.getElementById('navigation');
  if (!list) return;
  list.innerHTML = String(html`${NAV.filter((n) => n.show(user)).map((n) => html`
    <li class="govuk-service-navigation__item${n.key === active ? ' govuk-service-navigation__item--active' : ''}">
      <a class="govuk-service-navigation__link" href="${n.href}"${n.key === active ? html` aria-current="page"` : ''}>${n.key === active ? html`<strong class="govuk-service-navigation__active-fallback">${n.text}</strong>` : n.text}</a>
    </li>`)}
    <li class="govuk-service-navigation__item fc-signed-in">
      <span class="govuk-body-s fc-user">${user.name || 'Signed in'}</span>
      <a class="govuk-service-navigation__link" href="/logout">Sign out</a>
    </li>`);
}

function activeNav(path) {
  if (path.startsWith('/analyst')) return 'analyst';
  if (path.startsWith('/ig/permissions')) return 'permissions';
  if (path.startsWith('/ig/audit')) return 'audit';
  if (path.startsWith('/data/problems')) return 'problems';
  if (path.startsWith('/data/review')) return 'review';
  if (path.startsWith('/reports/mine')) return 'mine';
  if (path.startsWith('/reports/usage')) return 'usage';
  if (path.startsWith('/data')) return 'sources';
  return 'search';
}

function startPage(user) {
  const links = NAV.filter((n) => n.key !== 'search' && n.show(user));
  view.render(html`
    <h1 class="govuk-heading-l" tabindex="-1">Family Context</h1>
    <p class="govuk-body">Signed in as ${user.name || 'a user'}${user.team ? `, ${user.team}` : ''}.</p>
    <ul class="govuk-list">${links.map((n) => html`<li><a class="govuk-link" href="${n.href}">${n.text}</a></li>`)}</ul>`,
  { title: 'Start' });
}

let user = null;

async function route() {
  if (current) { current.abort(); firstRoute = false; }
  current = new AbortController();
  const { signal } = current;
  const { path, params } = parseHash();
  if (!user) user = await currentUser();
  if (signal.aborted) return undefined;
  renderNavigation(user, activeNav(path));
  const context = { signal, navigate, status, user };
  window.scrollTo(0, 0);

  if (path === '/' || path === '') {
    if (!readsPeople(user)) return startPage(user);
    return renderSearch(view, {}, context);
  }
  if (path === '/search') {
    lastSearchHash = window.location.hash;
    return renderSearch(view, params, context);
  }
  const person = /^\/person\/([^/]+)(?:\/(team|network|report))?$/.exec(path);
  if (person) {
    const id = decodeURIComponent(person[1]);
    const personContext = { ...context, backHash: lastSearchHash };
    if (person[2] === 'team') return renderTeam(view, id, personContext);
    if (person[2] === 'network') return renderNetwork(view, id, params, personContext);
    if (person[2] === 'report') return renderReport(view, id, personContext);
    return renderPerson(view, id, personContext);
  }
  if (path === '/analyst') return renderAnalyst(view, params, context);
  if (path === '/ig/permissions') return renderPermissions(view, params, context);
  if (path === '/ig/audit') return renderAudit(view, params, context);
  if (path === '/data/sources') return renderSources(view, params, context);
  if (path === '/data/problems') return renderQueue(view, params, context);
  // Pages few roles use are loaded when first opened, so the search and person pages ship less. A route left while
  // its module loads must not draw over the next one.
  const later = async (module, name) => {
    const loaded = await import(module);
    return signal.aborted ? undefined : loaded[name](view, params, context);
  };
  if (path === '/data/review') return later('./views/review.js', 'renderReview');
  if (path === '/reports/mine') return renderMyReports(view, params, context);
  if (path === '/reports/usage') return later('./views/usage.js', 'renderUsage');
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
