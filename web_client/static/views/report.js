// "Report a problem with this information" (every person page), the reporter's own reports with their outcomes,
// and the data manager's queue. The API is described in docs/operations.md; where the running service does not
// offer it yet, the pages say so instead of failing.
import { html, personHref } from '../html.js';
import { formatDate, plural, sourceName } from '../format.js';
import { errorMessage, errorSummary, graphqlErrors, loading } from './common.js';
import { graphql } from '../graphql.js';
import { MY_REPORTS, PROBLEM_QUEUE, REPORT_FORM, REPORT_PROBLEM, RESOLVE_PROBLEM, TAKE_PROBLEM } from '../queries.js';
import { ensurePurpose } from './person.js';

const NOTE_MAX = 1000;
const notOffered = (errors) => errors.some((e) => e && /Cannot query field|Unknown type|Cannot query|Unknown argument/.test(e.message || ''))
  || errors.some((e) => e && e.extensions && e.extensions.code === 'PERSISTED_QUERY_REQUIRED');

function notYet(back, heading) {
  return html`
    ${back ? html`<a href="${back}" class="govuk-back-link">Back to the person</a>` : ''}
    <h1 class="govuk-heading-l" tabindex="-1">${heading}</h1>
    <p class="govuk-body">This service does not take reports yet. Tell your data manager which person and which service the problem is
      about, and what is wrong.</p>`;
}

function reportForm(person, categories, values, fieldErrors) {
  const systems = [...new Map(person.records.map((r) => [r.source, r.system])).entries()];
  return html`
  <form id="report-form" novalidate>
    <div class="govuk-form-group${fieldErrors.source ? ' govuk-form-group--error' : ''}">
      <fieldset class="govuk-fieldset"${fieldErrors.source ? html` aria-describedby="source-error"` : ''}>
        <legend class="govuk-fieldset__legend govuk-fieldset__legend--m">Which system's information is wrong?</legend>
        ${errorMessage('source', fieldErrors.source)}
        <div class="govuk-radios" data-module="govuk-radios">
          ${[...systems, ['general', 'Not sure, or more than one']].map(([code, label], i) => html`
          <div class="govuk-radios__item">
            <input class="govuk-radios__input" id="${i ? `source-${i}` : 'source'}" name="source" type="radio" value="${code}"${values.source === code ? html` checked` : ''}>
            <label class="govuk-label govuk-radios__label" for="${i ? `source-${i}` : 'source'}">${code === 'general' ? label : html`${label} <span class="govuk-hint govuk-!-display-inline">(${sourceName(code)})</span>`}</label>
          </div>`)}
        </div>
      </fieldset>
    </div>
    <div class="govuk-form-group${fieldErrors.category ? ' govuk-form-group--error' : ''}">
      <label class="govuk-label govuk-label--m" for="category">What is wrong?</label>
      ${errorMessage('category', fieldErrors.category)}
      <select class="govuk-select${fieldErrors.category ? ' govuk-select--error' : ''}" id="category" name="category">
        <option value="">Choose</option>
        ${categories.map((c) => html`<option value="${c.code}"${values.category === c.code ? html` selected` : ''}>${c.label}</option>`)}
      </select>
    </div>
    <div class="govuk-form-group${fieldErrors.note ? ' govuk-form-group--error' : ''}">
      <label class="govuk-label govuk-label--m" for="note">What should it say? (optional)</label>
      <div id="note-hint" class="govuk-hint">Only the data team reads this. Do not copy case notes or anything about the family beyond what is wrong.
        At most ${NOTE_MAX} characters.</div>
      ${errorMessage('note', fieldErrors.note)}
      <textarea class="govuk-textarea${fieldErrors.note ? ' govuk-textarea--error' : ''}" id="note" name="note" rows="4"
        aria-describedby="note-hint${fieldErrors.note ? ' note-error' : ''}">${values.note || ''}</textarea>
    </div>
    <button type="submit" class="govuk-button" data-module="govuk-button">Send the report</button>
  </form>`;
}

export async function renderReport(view, id, context) {
  const { signal, status, user, backHash } = context;
  if (!await ensurePurpose(view, id, { signal, status, user, backHash })) return;
  const back = personHref(id);
  view.render(loading('Loading…'), { title: 'Loading – Report a problem', focus: false });
  const { data, errors, aborted } = await graphql(REPORT_FORM, { id }, { signal });
  if (aborted || signal.aborted) return;
  if (notOffered(errors)) {
    view.render(notYet(back, 'Report a problem with this information'), { title: 'Report a problem' });
    return;
  }
  if (errors.length || !data || !data.person) {
    view.render(html`${errorSummary(graphqlErrors(errors))}${notYet(back, 'Report a problem with this information')}`, { title: 'Error: Report a problem' });
    return;
  }
  const { person, problemCategories } = data;
  const show = (values = {}, fieldErrors = {}, summary = []) => {
    const entries = [...summary, ...Object.entries(fieldErrors).map(([field, message]) => ({ message, href: `#${field}` }))];
    view.render(html`
      ${errorSummary(entries)}
      <a href="${back}" class="govuk-back-link">Back to the person</a>
      <span class="govuk-caption-l">${person.displayName}</span>
      <h1 class="govuk-heading-l" tabindex="-1">Report a problem with this information</h1>
      <p class="govuk-body">Your report goes to the data team with this person, the system and your name. You can see what was done in
        <a class="govuk-link" href="#/reports/mine">your reports</a>.</p>
      ${reportForm(person, problemCategories, values, fieldErrors)}`, { title: entries.length ? 'Error: Report a problem' : 'Report a problem' });
    view.querySelector('#report-form').addEventListener('submit', async (event) => {
      event.preventDefault();
      const form = event.target;
      const picked = form.querySelector('input[name="source"]:checked');
      const next = { source: picked ? picked.value : '', category: form.elements.category.value, note: form.elements.note.value.trim() };
      const problems = {};
      if (!next.source) problems.source = 'Select which system the information comes from';
      if (!next.category) problems.category = 'Select what is wrong';
      if (next.note.length > NOTE_MAX) problems.note = `What it should say must be ${NOTE_MAX} characters or fewer`;
      if (Object.keys(problems).length) { show(next, problems); return; }
      const answer = await graphql(REPORT_PROBLEM, { personId: id, source: next.source, category: next.category, note: next.note || null }, { signal });
      if (answer.aborted || signal.aborted) return;
      if (answer.errors.length || !answer.data) { show(next, {}, graphqlErrors(answer.errors)); return; }
      view.render(html`
        <div class="govuk-panel govuk-panel--confirmation">
          <h1 class="govuk-panel__title" tabindex="-1">Report sent</h1>
          <div class="govuk-panel__body">${answer.data.reportProblem.categoryLabel}</div>
        </div>
        <p class="govuk-body">The data team will look at it. You will see the outcome in <a class="govuk-link" href="#/reports/mine">your reports</a>.</p>
        <p class="govuk-body"><a class="govuk-link" href="${back}">Back to the person</a></p>`, { title: 'Report sent' });
      status('Report sent');
    });
  };
  show();
  status('Report a problem');
}

function statusTag(s) {
  const tags = { open: 'govuk-tag--yellow', in_progress: 'govuk-tag--blue', resolved: 'govuk-tag--green' };
  const key = String(s || '').toLowerCase();
  return html`<strong class="govuk-tag ${tags[key] || 'govuk-tag--grey'}">${key.replace('_', ' ') || 'unknown'}</strong>`;
}

export async function renderMyReports(view, params, { signal, status }) {
  view.render(loading('Loading your reports…'), { title: 'Loading – Your reports', focus: false });
  const { data, errors, aborted } = await graphql(MY_REPORTS, {}, { signal });
  if (aborted || signal.aborted) return;
  if (notOffered(errors) || errors.length || !data) {
    view.render(html`${notOffered(errors) ? '' : errorSummary(graphqlErrors(errors))}${notYet(null, 'Your reports')}`, { title: 'Your reports' });
    return;
  }
  const reports = data.myProblemReports;
  view.render(html`
    <h1 class="govuk-heading-l" tabindex="-1">Your reports</h1>
    ${reports.length ? html`
    <table class="govuk-table fc-my-reports">
      <caption class="govuk-table__caption govuk-table__caption--m">${plural(reports.length, 'report', 'reports')}, newest first</caption>
      <thead class="govuk-table__head"><tr class="govuk-table__row">
        <th scope="col" class="govuk-table__header">Reported</th><th scope="col" class="govuk-table__header">Person</th>
        <th scope="col" class="govuk-table__header">System</th><th scope="col" class="govuk-table__header">Problem</th>
        <th scope="col" class="govuk-table__header">Status</th><th scope="col" class="govuk-table__header">Outcome</th>
      </tr></thead>
      <tbody class="govuk-table__body">${reports.map((r) => html`
        <tr class="govuk-table__row">
          <td class="govuk-table__cell fc-nowrap">${formatDate(r.reportedAt)}</td>
          <td class="govuk-table__cell"><a class="govuk-link" href="${personHref(r.personId)}">Open</a></td>
          <td class="govuk-table__cell">${r.source === 'general' ? 'Not sure' : sourceName(r.source)}</td>
          <td class="govuk-table__cell">${r.categoryLabel}</td>
          <td class="govuk-table__cell">${statusTag(r.status)}</td>
          <td class="govuk-table__cell">${r.outcomeLabel ? html`${r.outcomeLabel}<br><span class="govuk-body-s">${formatDate(r.resolvedAt)}</span>` : 'Not yet'}</td>
        </tr>`)}</tbody>
    </table>` : html`<p class="govuk-body">You have not reported any problems.</p>`}`, { title: 'Your reports' });
  status('Your reports');
}

export async function renderQueue(view, params, { signal, status, navigate }) {
  view.render(loading('Loading the queue…'), { title: 'Loading – Problem reports', focus: false });
  const filter = ['OPEN', 'IN_PROGRESS', 'RESOLVED'].includes(params.status) ? params.status : null;
  const { data, errors, aborted } = await graphql(PROBLEM_QUEUE, filter ? { status: filter } : {}, { signal });
  if (aborted || signal.aborted) return;
  if (notOffered(errors) || errors.length || !data) {
    view.render(html`${notOffered(errors) ? '' : errorSummary(graphqlErrors(errors))}
      <h1 class="govuk-heading-l" tabindex="-1">Problem reports</h1>
      <p class="govuk-body">This service does not offer the problem report queue yet.</p>`, { title: 'Problem reports' });
    return;
  }
  const queue = data.problemReportQueue;
  const outcomes = data.problemOutcomes;
  view.render(html`
    <h1 class="govuk-heading-l" tabindex="-1">Problem reports</h1>
    <p class="govuk-body">Open reports oldest first, then the rest. Show:
      <a class="govuk-link" href="#/data/problems">all</a>, <a class="govuk-link" href="#/data/problems?status=OPEN">open</a>,
      <a class="govuk-link" href="#/data/problems?status=IN_PROGRESS">in progress</a>, <a class="govuk-link" href="#/data/problems?status=RESOLVED">resolved</a>.</p>
    ${queue.length ? queue.map((r) => html`
    <div class="fc-involvement fc-problem" data-report="${r.id}">
      <h2 class="govuk-heading-s govuk-!-margin-bottom-2">${r.categoryLabel} ${statusTag(r.status)}</h2>
      <dl class="govuk-summary-list govuk-summary-list--no-border fc-compact">
        <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Person</dt><dd class="govuk-summary-list__value"><a class="govuk-link" href="${personHref(r.personId)}">${r.personId}</a></dd></div>
        <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">System</dt><dd class="govuk-summary-list__value">${r.source === 'general' ? 'Not sure' : sourceName(r.source)}</dd></div>
        <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Reported</dt><dd class="govuk-summary-list__value">${formatDate(r.reportedAt)} by ${r.reporterName || 'Not recorded'}${r.reporterTeam ? `, ${r.reporterTeam}` : ''}</dd></div>
        <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Note</dt><dd class="govuk-summary-list__value">${r.note || 'None'}</dd></div>
        ${r.outcomeLabel ? html`<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Outcome</dt><dd class="govuk-summary-list__value">${r.outcomeLabel}, ${formatDate(r.resolvedAt)}${r.resolvedByName ? ` by ${r.resolvedByName}` : ''}${r.resolutionNote ? html`<br>${r.resolutionNote}` : ''}</dd></div>` : ''}
      </dl>
      ${String(r.status).toLowerCase() === 'open' ? html`<button type="button" class="govuk-button govuk-button--secondary" data-module="govuk-button" data-take="${r.id}">Take this report</button>` : ''}
      ${String(r.status).toLowerCase() === 'in_progress' ? html`
      <form class="fc-resolve" data-resolve="${r.id}" novalidate>
        <div class="govuk-form-group"><label class="govuk-label" for="outcome-${r.id}">Outcome</label>
          <select class="govuk-select" id="outcome-${r.id}" name="outcome">${outcomes.map((o) => html`<option value="${o.code}">${o.label}</option>`)}</select></div>
        <div class="govuk-form-group"><label class="govuk-label" for="records-${r.id}">For linked or unlinked records: the two records</label>
          <div class="govuk-hint" id="records-hint-${r.id}">As SOURCE:RECORD, separated by a space, for example lcs:LCS0000004 health:9000000041</div>
          <input class="govuk-input" id="records-${r.id}" name="records" type="text" spellcheck="false" autocomplete="off" aria-describedby="records-hint-${r.id}"></div>
        <div class="govuk-form-group"><label class="govuk-label" for="rnote-${r.id}">Note for the data team (optional)</label>
          <textarea class="govuk-textarea" id="rnote-${r.id}" name="note" rows="2"></textarea></div>
        <button type="submit" class="govuk-button" data-module="govuk-button">Resolve</button>
      </form>` : ''}
    </div>`) : html`<p class="govuk-body">No reports.</p>`}`, { title: 'Problem reports' });
  status(`${plural(queue.length, 'report', 'reports')}`);

  const again = () => navigate(window.location.hash);
  for (const button of document.querySelectorAll('[data-take]')) {
    button.addEventListener('click', async () => {
      const answer = await graphql(TAKE_PROBLEM, { id: button.dataset.take }, { signal });
      if (!answer.aborted) again();
    });
  }
  for (const form of document.querySelectorAll('form[data-resolve]')) {
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const [recordA, recordB] = form.elements.records.value.trim().split(/\s+/);
      const variables = { id: form.dataset.resolve, outcome: form.elements.outcome.value, note: form.elements.note.value.trim() || null };
      if (recordA && recordB) variables.records = { recordA, recordB };
      const answer = await graphql(RESOLVE_PROBLEM, variables, { signal });
      if (answer.aborted) return;
      if (answer.errors.length) {
        form.insertAdjacentHTML('afterbegin', String(errorSummary(graphqlErrors(answer.errors))));
        return;
      }
      navigate('#/data/problems');  // every report, so the one just resolved shows with its outcome
    });
  }
}
