// Information governance: who may read which field (generated from the running schema by `permissionMatrix`,
// never a hand-kept list) and the audit search. Neither page shows personal data: the audit holds person ids
// and field names, never names or values.
import { html } from '../html.js';
import { plural } from '../format.js';
import { errorMessage, errorSummary, graphqlErrors, loading } from './common.js';
import { graphql } from '../graphql.js';
import { AUDIT_EVENTS, PERMISSION_MATRIX } from '../queries.js';

const ROLES = ['social_worker', 'team_manager', 'massh_analyst', 'integrator', 'ig_reviewer', 'data_manager'];
const ROLE_NAMES = { social_worker: 'Social worker', team_manager: 'Team manager', massh_analyst: 'MASSH analyst',
  integrator: 'Integrator', ig_reviewer: 'IG reviewer', data_manager: 'Data manager' };

export async function renderPermissions(view, params, { signal, status, navigate }) {
  view.render(loading('Loading the permission matrix…'), { title: 'Loading – Who can see what', focus: false });
  const { data, errors, aborted } = await graphql(PERMISSION_MATRIX, {}, { signal });
  if (aborted || signal.aborted) return;
  if (errors.length || !data) {
    view.render(html`${errorSummary(graphqlErrors(errors))}<h1 class="govuk-heading-l" tabindex="-1">Who can see what</h1>`, { title: 'Error: Who can see what' });
    return;
  }
  const onlyPersonal = params.personal !== 'all';
  const rows = data.permissionMatrix.filter((r) => !onlyPersonal || r.personalData);
  const byType = new Map();
  for (const r of rows) {
    if (!byType.has(r.typeName)) byType.set(r.typeName, []);
    byType.get(r.typeName).push(r);
  }
  const tick = (r, role) => (r.roles.includes(role)
    ? html`<span class="fc-yes" aria-hidden="true">✓</span><span class="govuk-visually-hidden">Yes</span>`
    : html`<span class="fc-no" aria-hidden="true">–</span><span class="govuk-visually-hidden">No</span>`);
  view.render(html`
    <h1 class="govuk-heading-l" tabindex="-1">Who can see what</h1>
    <p class="govuk-body">Generated from the running service's schema: every field, the roles that may read it, the scopes an integrator
      needs, and why. Anything not listed for a role is refused and the refusal is audited.</p>
    <p class="govuk-body">${onlyPersonal
    ? html`Showing the ${plural(rows.length, 'field', 'fields')} that carry personal data. <a class="govuk-link" href="#/ig/permissions?personal=all">Show every field</a>`
    : html`Showing all ${plural(rows.length, 'field', 'fields')}. <a class="govuk-link" href="#/ig/permissions">Show only fields with personal data</a>`}</p>
    ${[...byType.entries()].map(([type, fields]) => html`
    <table class="govuk-table fc-matrix" data-type="${type}">
      <caption class="govuk-table__caption govuk-table__caption--m">${type}</caption>
      <thead class="govuk-table__head"><tr class="govuk-table__row">
        <th scope="col" class="govuk-table__header">Field</th>
        ${ROLES.map((role) => html`<th scope="col" class="govuk-table__header fc-matrix__role">${ROLE_NAMES[role]}</th>`)}
        <th scope="col" class="govuk-table__header">Integrator scopes</th>
        <th scope="col" class="govuk-table__header">Purpose</th>
      </tr></thead>
      <tbody class="govuk-table__body">
        ${fields.map((r) => html`
        <tr class="govuk-table__row">
          <th scope="row" class="govuk-table__header"><code>${r.fieldName}</code></th>
          ${ROLES.map((role) => html`<td class="govuk-table__cell fc-matrix__cell">${tick(r, role)}</td>`)}
          <td class="govuk-table__cell govuk-body-s">${r.scopes.length ? r.scopes.join(', ') : 'None'}</td>
          <td class="govuk-table__cell govuk-body-s">${r.purpose}${r.condition ? html`<br><strong>Condition:</strong> ${r.condition}` : ''}</td>
        </tr>`)}
      </tbody>
    </table>`)}`, { title: 'Who can see what' });
  status('Permission matrix loaded');
}

const EVENTS = [['', 'Any'], ['search', 'Searches'], ['results_shown', 'Results shown'], ['person_viewed', 'People viewed'],
  ['service_details_viewed', 'Service details viewed'], ['access_denied', 'Access denied'], ['audit_searched', 'Audit searched']];

function isoDate(value) {
  return /^\d{4}-\d{2}-\d{2}$/.test(value || '') && !Number.isNaN(Date.parse(value)) ? value : null;
}

function auditForm(params, fieldErrors) {
  const input = (name, label, hint, width = 'govuk-input--width-20', type = 'text') => html`
    <div class="govuk-form-group${fieldErrors[name] ? ' govuk-form-group--error' : ''}">
      <label class="govuk-label" for="audit-${name}">${label}</label>
      ${hint ? html`<div class="govuk-hint" id="audit-${name}-hint">${hint}</div>` : ''}
      ${errorMessage(`audit-${name}`, fieldErrors[name])}
      <input class="govuk-input ${width}${fieldErrors[name] ? ' govuk-input--error' : ''}" id="audit-${name}" name="${name}" type="${type}"
        value="${params[name] || ''}" autocomplete="off" spellcheck="false"${hint ? html` aria-describedby="audit-${name}-hint"` : ''}>
    </div>`;
  return html`
  <form id="audit-form" novalidate class="fc-audit-form">
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-one-half">
        ${input('since', 'From date', 'For example, 2026-11-01', 'govuk-input--width-10')}
        ${input('until', 'To date', 'For example, 2026-11-30', 'govuk-input--width-10')}
        <div class="govuk-form-group">
          <label class="govuk-label" for="audit-event">What happened</label>
          <select class="govuk-select" id="audit-event" name="event">
            ${EVENTS.map(([v, label]) => html`<option value="${v}"${(params.event || '') === v ? html` selected` : ''}>${label}</option>`)}
          </select>
        </div>
      </div>
      <div class="govuk-grid-column-one-half">
        ${input('actor', 'User', 'Their sign-in name')}
        ${input('personId', 'Person ID', 'Who was looked at, for example P-1a2b3c4d5e6f')}
        ${input('requestId', 'Request ID', 'From an error message or a log line')}
      </div>
    </div>
    <button type="submit" class="govuk-button" data-module="govuk-button">Search the audit</button>
  </form>`;
}

const EVENT_NAMES = Object.fromEntries(EVENTS.filter(([v]) => v));

function auditTable(events) {
  return html`
  <table class="govuk-table fc-audit">
    <caption class="govuk-table__caption govuk-table__caption--m">${plural(events.length, 'event', 'events')}, newest first</caption>
    <thead class="govuk-table__head"><tr class="govuk-table__row">
      <th scope="col" class="govuk-table__header">When (UTC)</th>
      <th scope="col" class="govuk-table__header">Who</th>
      <th scope="col" class="govuk-table__header">What</th>
      <th scope="col" class="govuk-table__header">Whom</th>
      <th scope="col" class="govuk-table__header">Why</th>
      <th scope="col" class="govuk-table__header">Fields</th>
    </tr></thead>
    <tbody class="govuk-table__body">
      ${events.map((e) => html`
      <tr class="govuk-table__row" data-seq="${e.seq}">
        <td class="govuk-table__cell govuk-body-s fc-nowrap">${e.at.replace('T', ' ').slice(0, 19)}</td>
        <td class="govuk-table__cell govuk-body-s">${e.actorName || e.actor}${e.team ? html`<br>${e.team}` : ''}${e.clientId ? html`<br>client ${e.clientId}` : ''}</td>
        <td class="govuk-table__cell govuk-body-s">${EVENT_NAMES[e.event] || e.event}${e.outcome !== 'ok' && e.outcome !== 'allowed' ? html`<br><strong class="govuk-tag govuk-tag--red">${e.outcome}</strong>` : ''}</td>
        <td class="govuk-table__cell govuk-body-s fc-break">${e.whom.length ? e.whom.slice(0, 5).join(', ') + (e.whom.length > 5 ? ` and ${e.whom.length - 5} more` : '') : 'None'}</td>
        <td class="govuk-table__cell govuk-body-s">${e.purpose ? e.purpose.replace(/_/g, ' ') : 'Not given'}</td>
        <td class="govuk-table__cell govuk-body-s fc-break">${e.fields.length ? e.fields.join(', ') : 'None'}<br><span class="fc-provenance">request ${e.requestId}</span></td>
      </tr>`)}
    </tbody>
  </table>`;
}

export async function renderAudit(view, params, { signal, status, navigate }) {
  const fieldErrors = {};
  for (const key of ['since', 'until']) if (params[key] && !isoDate(params[key])) fieldErrors[key] = `Enter the ${key === 'since' ? 'from' : 'to'} date as year-month-day, for example 2026-11-01`;
  const summary = Object.entries(fieldErrors).map(([k, message]) => ({ message, href: `#audit-${k}` }));
  const searched = Object.keys(params).length > 0;
  let results = '';
  if (searched && !summary.length) {
    view.render(loading('Searching the audit…'), { title: 'Loading – Audit', focus: false });
    const variables = {};
    for (const key of ['since', 'until', 'actor', 'personId', 'event', 'requestId']) if (params[key]) variables[key] = params[key];
    if (params.after) variables.after = Number(params.after);
    const { data, errors, aborted } = await graphql(AUDIT_EVENTS, variables, { signal });
    if (aborted || signal.aborted) return;
    if (errors.length || !data) {
      summary.push(...graphqlErrors(errors));
    } else {
      const page = data.auditEvents;
      const next = page.nextAfter ? `#/ig/audit?${new URLSearchParams({ ...params, after: String(page.nextAfter) }).toString()}` : null;
      results = html`
      <div id="audit-results" tabindex="-1">
      ${page.events.length ? auditTable(page.events) : html`<p class="govuk-body">No audit events match.</p>`}
      ${next ? html`<nav class="govuk-pagination govuk-pagination--block" aria-label="Pagination"><div class="govuk-pagination__next">
        <a class="govuk-link govuk-pagination__link" href="${next}" rel="next"><span class="govuk-pagination__link-title">Older events</span></a></div></nav>` : ''}
      </div>`;
    }
  }
  view.render(html`
    ${errorSummary(summary)}
    <h1 class="govuk-heading-l" tabindex="-1">Audit</h1>
    <p class="govuk-body">Every search, result list, person view and service detail view, and every refusal: who, whom (person IDs),
      which fields (never their values), when and why. Searching the audit is itself recorded.</p>
    ${auditForm(params, fieldErrors)}
    ${results}`, { title: summary.length ? 'Error: Audit' : 'Audit', focus: results ? '#audit-results' : 'h1' });
  status(results ? 'Audit results shown' : 'Audit search');
  view.querySelector('#audit-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const form = event.target;
    const q = {};
    for (const key of ['since', 'until', 'actor', 'personId', 'event', 'requestId']) {
      const v = form.elements[key].value.trim();
      if (v) q[key] = v;
    }
    if (!Object.keys(q).length) q.event = '';
    navigate(`#/ig/audit?${new URLSearchParams(q).toString()}`);
  });
}
