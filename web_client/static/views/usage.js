// Usage report for team managers (their own team), the service owner and IG reviewers: sign-ins, searches and
// people viewed between two dates, from the audit store (counts only, never who was looked at).
//   #/reports/usage?since=YYYY-MM-DD&until=YYYY-MM-DD&by=day|team|user
// The chart is a picture of the table next to it (hidden from screen readers); the tables are the figures.
import { html } from '../html.js';
import { formatDate } from '../format.js';
import { errorMessage, errorSummary, graphqlErrors, loading } from './common.js';
import { graphql } from '../graphql.js';
import { USAGE_REPORT } from '../queries.js';

const MAX_DAYS = 366;
const DAY_MS = 24 * 3600 * 1000;
const GROUPS = { day: 'Day', team: 'Team', user: 'User' };
const MEASURES = [['signIns', 'Sign-ins'], ['searches', 'Searches'], ['peopleViewed', 'People viewed']];
const number = (n) => Number(n || 0).toLocaleString('en-GB');

// Dates are UTC days, as the audit store records them.
const isoDay = (ms) => new Date(ms).toISOString().slice(0, 10);
const validDate = (value) => /^\d{4}-\d{2}-\d{2}$/.test(value || '') && isoDay(Date.parse(`${value}T00:00:00Z`) || 0) === value;

function checkRange(since, until) {
  const errors = {};
  if (!since) errors.since = 'Enter the first day';
  else if (!validDate(since)) errors.since = 'The first day must be a real date';
  if (!until) errors.until = 'Enter the last day';
  else if (!validDate(until)) errors.until = 'The last day must be a real date';
  if (!errors.since && !errors.until) {
    const days = (Date.parse(until) - Date.parse(since)) / DAY_MS + 1;
    if (days < 1) errors.until = 'The last day must be the same as or after the first day';
    else if (days > MAX_DAYS) errors.until = `Choose at most ${MAX_DAYS} days`;
  }
  return errors;
}

function rangeForm(values, fieldErrors, teams) {
  const dateField = (name, label) => html`
    <div class="govuk-form-group${fieldErrors[name] ? ' govuk-form-group--error' : ''}">
      <label class="govuk-label" for="usage-${name}">${label}</label>
      ${errorMessage(`usage-${name}`, fieldErrors[name])}
      <input class="govuk-input govuk-input--width-10${fieldErrors[name] ? ' govuk-input--error' : ''}" id="usage-${name}" name="${name}"
        type="date" value="${values[name] || ''}"${fieldErrors[name] ? html` aria-describedby="usage-${name}-error"` : ''}>
    </div>`;
  return html`
  <form id="usage-form" novalidate class="fc-usage-form">
    <div class="govuk-form-group">
      <fieldset class="govuk-fieldset" aria-describedby="usage-range-hint">
        <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Dates</legend>
        <div id="usage-range-hint" class="govuk-hint">Days in UTC, both included, at most ${MAX_DAYS} days.</div>
        <div class="fc-inline-fields">
          ${dateField('since', 'From')}
          ${dateField('until', 'To')}
        </div>
      </fieldset>
    </div>
    ${teams ? html`
    <div class="govuk-form-group">
      <label class="govuk-label" for="usage-team">Team</label>
      <select class="govuk-select" id="usage-team" name="team">
        <option value="">Every team</option>
        ${teams.map((t) => html`<option value="${t}"${values.team === t ? html` selected` : ''}>${t}</option>`)}
      </select>
    </div>` : ''}
    <div class="govuk-form-group">
      <label class="govuk-label" for="usage-by">Chart and download by</label>
      <select class="govuk-select" id="usage-by" name="by">
        ${Object.entries(GROUPS).map(([v, label]) => html`<option value="${v}"${values.by === v ? html` selected` : ''}>${label}</option>`)}
      </select>
    </div>
    <button type="submit" class="govuk-button" data-module="govuk-button">Show usage</button>
  </form>`;
}

const rowLabel = (by, row) => (by === 'day' ? formatDate(row.key) : by === 'user' ? (row.name || row.key) : row.key);

/** Horizontal grouped bars (SVG: widths are attributes, so the strict CSP needs no inline style). */
function chart(rows, by) {
  if (!rows.length) return '';
  const max = Math.max(1, ...rows.flatMap((r) => MEASURES.map(([m]) => r[m] || 0)));
  const labelWidth = 170;
  const barArea = 430;
  const barHeight = 9;
  const rowHeight = MEASURES.length * (barHeight + 2) + 10;
  const height = rows.length * rowHeight + 4;
  return html`
  <figure class="fc-chart" aria-describedby="usage-chart-note">
    <ul class="govuk-list fc-chart__legend" aria-hidden="true">
      ${MEASURES.map(([m, label]) => html`<li><span class="fc-chart__key fc-chart__key--${m}"></span>${label}</li>`)}
    </ul>
    <svg class="fc-chart__svg" viewBox="0 0 ${labelWidth + barArea + 60} ${height}" width="100%" aria-hidden="true" focusable="false">
      ${rows.map((r, i) => {
    const top = i * rowHeight + 4;
    return html`
      <g>
        <text class="fc-chart__label" x="${labelWidth - 8}" y="${top + rowHeight / 2}" text-anchor="end" dominant-baseline="middle">${rowLabel(by, r).slice(0, 24)}</text>
        ${MEASURES.map(([m], j) => {
    const width = ((r[m] || 0) / max) * barArea;
    const y = top + j * (barHeight + 2);
    return html`
        <rect class="fc-chart__bar fc-chart__bar--${m}" x="${labelWidth}" y="${y}" width="${width.toFixed(1)}" height="${barHeight}"></rect>
        <text class="fc-chart__value" x="${labelWidth + width + 4}" y="${y + barHeight / 2}" dominant-baseline="middle">${number(r[m])}</text>`;
  })}
      </g>`;
  })}
    </svg>
    <figcaption id="usage-chart-note" class="govuk-body-s fc-provenance">The chart shows the table "By ${GROUPS[by].toLowerCase()}" below.</figcaption>
  </figure>`;
}

function table(id, caption, firstColumn, rows, by, columns) {
  return html`
  <table class="govuk-table fc-usage-table" id="${id}">
    <caption class="govuk-table__caption govuk-table__caption--m">${caption}</caption>
    <thead class="govuk-table__head"><tr class="govuk-table__row">
      <th scope="col" class="govuk-table__header">${firstColumn}</th>
      ${by === 'user' ? html`<th scope="col" class="govuk-table__header">Team</th>` : ''}
      ${columns.map(([, label]) => html`<th scope="col" class="govuk-table__header govuk-table__header--numeric">${label}</th>`)}
    </tr></thead>
    <tbody class="govuk-table__body">
      ${rows.length ? rows.map((r) => html`
      <tr class="govuk-table__row">
        <th scope="row" class="govuk-table__header">${rowLabel(by, r)}</th>
        ${by === 'user' ? html`<td class="govuk-table__cell">${r.team || 'No team'}</td>` : ''}
        ${columns.map(([m]) => html`<td class="govuk-table__cell govuk-table__cell--numeric">${number(r[m])}</td>`)}
      </tr>`) : html`<tr class="govuk-table__row"><td class="govuk-table__cell" colspan="${columns.length + (by === 'user' ? 2 : 1)}">No activity in these dates</td></tr>`}
    </tbody>
  </table>`;
}

const DAY_COLUMNS = [...MEASURES, ['distinctPeople', 'Different people'], ['activeUsers', 'Active users']];
const USER_COLUMNS = [...MEASURES, ['distinctPeople', 'Different people']];

// Team managers always get their own team; the service owner and IG reviewers may pick one.
const picksTeam = (user) => (user.roles || []).some((r) => r === 'data_manager' || r === 'ig_reviewer');
const teamsSeen = new Set();  // team names from earlier reports (memory only), so a filtered report still offers them

export async function renderUsage(view, params, { signal, status, navigate, user }) {
  const today = isoDay(Date.now());
  const values = {
    since: params.since || isoDay(Date.now() - 29 * DAY_MS),
    until: params.until || today,
    by: GROUPS[params.by] ? params.by : 'day',
    team: picksTeam(user) && params.team ? params.team : '',
  };
  const fieldErrors = checkRange(values.since, values.until);
  const summary = Object.entries(fieldErrors).map(([k, message]) => ({ message, href: `#usage-${k}` }));
  let body = '';
  if (!summary.length) {
    view.render(loading('Loading usage…'), { title: 'Loading – Usage', focus: false });
    const variables = { since: values.since, until: values.until, team: values.team || null };
    const { data, errors, aborted } = await graphql(USAGE_REPORT, variables, { signal });
    if (aborted || signal.aborted) return;
    if (errors.length || !data || !data.usageReport) {
      // A refusal is said in words the reader can act on; the server's message names a field.
      const refused = errors.some((e) => e && e.extensions && e.extensions.code === 'FORBIDDEN' && /Query\.usageReport/.test(e.message || ''));
      summary.push(...(refused ? [{ message: 'Usage reports are for team managers, the service owner and IG reviewers' }]
        : graphqlErrors(errors.length ? errors : [{}])));
    } else {
      const r = data.usageReport;
      r.byTeam.forEach((t) => teamsSeen.add(t.key));
      const groups = { day: r.byDay, team: r.byTeam, user: r.byUser };
      const t = r.totals;
      body = html`
      <div id="usage-results" tabindex="-1">
        <h2 class="govuk-heading-m">${r.team ? `${r.team}: ` : 'Every team: '}${formatDate(r.since)} to ${formatDate(r.until)}</h2>
        <dl class="govuk-summary-list fc-usage-totals">
          ${[['Sign-ins', t.signIns], ['Searches', t.searches], ['People viewed', t.peopleViewed],
    ['Different people viewed', t.distinctPeople], ['Active users', t.activeUsers]].map(([label, n]) => html`
          <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">${label}</dt><dd class="govuk-summary-list__value" data-total="${label}">${number(n)}</dd></div>`)}
        </dl>
        <p class="govuk-body"><a class="govuk-link" id="usage-csv" href="${r.csvUrl}&by=${values.by}" download>Download CSV (by ${GROUPS[values.by].toLowerCase()})</a></p>
        ${chart(groups[values.by], values.by)}
        ${table('usage-by-day', 'By day', 'Day', r.byDay, 'day', DAY_COLUMNS)}
        ${table('usage-by-team', 'By team', 'Team', r.byTeam, 'team', DAY_COLUMNS)}
        ${table('usage-by-user', 'By user', 'User', r.byUser, 'user', USER_COLUMNS)}
        <p class="govuk-body-s fc-provenance">From the audit trail. "People viewed" counts each time a person's page was read;
          "different people" counts each person once. Partner systems are not counted.</p>
      </div>`;
    }
  }
  view.render(html`
    ${errorSummary(summary)}
    <h1 class="govuk-heading-l" tabindex="-1">Usage</h1>
    <p class="govuk-body">Sign-ins, searches and people viewed. Counts only: this page never shows who was looked at.</p>
    ${rangeForm(values, fieldErrors, picksTeam(user) ? [...new Set([...teamsSeen, ...(values.team ? [values.team] : [])])].sort() : null)}
    ${body}`, { title: summary.length ? 'Error: Usage' : 'Usage', focus: body && params.since ? '#usage-results' : 'h1' });
  status(body ? 'Usage figures shown' : 'Usage');
  view.querySelector('#usage-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const form = event.target;
    const q = { since: form.elements.since.value.trim(), until: form.elements.until.value.trim(), by: form.elements.by.value };
    if (form.elements.team && form.elements.team.value) q.team = form.elements.team.value;
    navigate(`#/reports/usage?${new URLSearchParams(q).toString()}`);
  });
}
