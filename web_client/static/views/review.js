// The data manager's match review queue: pairs of records whose best match fell in the uncertain band of the latest
// linkage run, with how each comparison came out. Two answers per pair, "Same person" / "Not the same person",
// recorded as link decisions that the next linkage run applies (until then the graph stays as it is).
//   #/data/review?status=pending|decided|all&after=N
// Only record keys, probabilities and comparison levels are shown; a person's details are one (audited) click away.
import { html, personHref } from '../html.js';
import { formatDate, plural, sourceName } from '../format.js';
import { errorSummary, graphqlErrors, loading } from './common.js';
import { graphql } from '../graphql.js';
import { DECIDE_MATCH, MATCH_REVIEW_QUEUE } from '../queries.js';

const PAGE = 20;
const STATUSES = { pending: 'Waiting for a decision', decided: 'Decided since the run', all: 'All' };
const COMPARISONS = { first_name: 'First name', surname: 'Surname', dob: 'Date of birth', location: 'Address',
  sex: 'Sex', nhs_number: 'NHS number' };
const EFFECTS = { agrees: 'For a match', disagrees: 'Against a match', neutral: 'Neutral', missing: 'Not recorded on both' };
const DECISIONS = { same: 'Same person', different: 'Not the same person' };
const percent = (p) => `${(Number(p) * 100).toFixed(1)}%`;
const recordKey = (r) => `${r.source}:${r.recordId}`;

function record(label, r) {
  return html`
    <div class="govuk-summary-list__row">
      <dt class="govuk-summary-list__key">${label}</dt>
      <dd class="govuk-summary-list__value">${sourceName(r.source)}, record <code>${r.recordId}</code><br>
        <a class="govuk-link govuk-body-s" href="${personHref(r.personId)}">Open person ${r.personId}<span class="govuk-visually-hidden"> (${label.toLowerCase()})</span></a></dd>
    </div>`;
}

function pairCard(p, index) {
  const name = `${sourceName(p.recordA.source)} ${p.recordA.recordId} and ${sourceName(p.recordB.source)} ${p.recordB.recordId}`;
  return html`
  <div class="fc-involvement fc-review-pair" data-pair="${p.id}">
    <h2 class="govuk-heading-s govuk-!-margin-bottom-2" id="pair-${index}">${p.reasonLabel}</h2>
    <dl class="govuk-summary-list govuk-summary-list--no-border fc-compact">
      ${record('First record', p.recordA)}
      ${record('Second record', p.recordB)}
      <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Match probability</dt>
        <dd class="govuk-summary-list__value">${percent(p.matchProbability)}</dd></div>
      <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">In the current run</dt>
        <dd class="govuk-summary-list__value">${p.linkedNow ? 'Linked as one person' : 'Kept as two people'}</dd></div>
    </dl>
    <table class="govuk-table fc-review-comparisons">
      <caption class="govuk-table__caption govuk-table__caption--s">How the records compare</caption>
      <thead class="govuk-table__head"><tr class="govuk-table__row">
        <th scope="col" class="govuk-table__header">Comparison</th><th scope="col" class="govuk-table__header">Result</th>
        <th scope="col" class="govuk-table__header">Counts</th><th scope="col" class="govuk-table__header govuk-table__header--numeric">Weight</th>
      </tr></thead>
      <tbody class="govuk-table__body">${p.comparisons.length ? p.comparisons.map((c) => html`
        <tr class="govuk-table__row">
          <th scope="row" class="govuk-table__header">${COMPARISONS[c.comparison] || c.comparison}</th>
          <td class="govuk-table__cell govuk-body-s">${c.level}</td>
          <td class="govuk-table__cell govuk-body-s">${EFFECTS[c.effect] || c.effect}</td>
          <td class="govuk-table__cell govuk-table__cell--numeric govuk-body-s">${c.matchWeight === null ? 'None' : c.matchWeight.toFixed(1)}</td>
        </tr>`) : html`<tr class="govuk-table__row"><td class="govuk-table__cell" colspan="4">Not recorded in this run</td></tr>`}
      </tbody>
    </table>
    ${p.decision ? html`
    <p class="govuk-body"><strong class="govuk-tag govuk-tag--blue">${DECISIONS[p.decision.decision] || p.decision.decision}</strong>
      decided by ${p.decision.decidedBy} on ${formatDate(p.decision.decidedAt)}. Applies at the next linkage run.</p>` : html`
    <div class="govuk-button-group">
      <button type="button" class="govuk-button" data-module="govuk-button" data-decide="same" data-a="${recordKey(p.recordA)}" data-b="${recordKey(p.recordB)}">
        Same person<span class="govuk-visually-hidden">: ${name}</span></button>
      <button type="button" class="govuk-button govuk-button--secondary" data-module="govuk-button" data-decide="different" data-a="${recordKey(p.recordA)}" data-b="${recordKey(p.recordB)}">
        Not the same person<span class="govuk-visually-hidden">: ${name}</span></button>
    </div>`}
  </div>`;
}

function pagination(status, after, nextAfter) {
  const href = (n) => `#/data/review?${new URLSearchParams({ status, after: String(n) }).toString()}`;
  if (!after && nextAfter === null) return '';
  return html`
  <nav class="govuk-pagination govuk-pagination--block" aria-label="Pages of the queue">
    ${after > 0 ? html`<div class="govuk-pagination__prev"><a class="govuk-link govuk-pagination__link" href="${href(Math.max(0, after - PAGE))}" rel="prev">
      <span class="govuk-pagination__link-title">Previous pairs</span></a></div>` : ''}
    ${nextAfter !== null ? html`<div class="govuk-pagination__next"><a class="govuk-link govuk-pagination__link" href="${href(nextAfter)}" rel="next">
      <span class="govuk-pagination__link-title">More pairs</span></a></div>` : ''}
  </nav>`;
}

export async function renderReview(view, params, context, notice = null) {
  const { signal, status } = context;
  const filter = STATUSES[params.status] ? params.status : 'pending';
  const after = Math.max(0, Number.parseInt(params.after, 10) || 0);
  if (!notice) view.render(loading('Loading the review queue…'), { title: 'Loading – Match review', focus: false });
  const { data, errors, aborted } = await graphql(MATCH_REVIEW_QUEUE, { status: filter.toUpperCase(), first: PAGE, after }, { signal });
  if (aborted || signal.aborted) return;
  if (errors.length || !data || !data.matchReviewQueue) {
    const refused = errors.some((e) => e && e.extensions && e.extensions.code === 'FORBIDDEN');
    view.render(html`${errorSummary(refused ? [{ message: 'Match review is for data managers' }] : graphqlErrors(errors.length ? errors : [{}]))}
      <h1 class="govuk-heading-l" tabindex="-1">Match review</h1>`, { title: 'Error: Match review' });
    return;
  }
  const q = data.matchReviewQueue;
  const problems = notice && notice.errors ? notice.errors : [];
  view.render(html`
    ${errorSummary(problems)}
    ${notice && notice.done ? html`
    <div class="govuk-notification-banner govuk-notification-banner--success" role="alert" tabindex="-1" aria-labelledby="review-done-title" data-module="govuk-notification-banner">
      <div class="govuk-notification-banner__header"><h2 class="govuk-notification-banner__title" id="review-done-title">Success</h2></div>
      <div class="govuk-notification-banner__content"><p class="govuk-notification-banner__heading">${notice.done}</p></div>
    </div>` : ''}
    <h1 class="govuk-heading-l" tabindex="-1">Match review</h1>
    ${q.runAt ? html`
    <p class="govuk-body">Pairs of records from the linkage run of ${formatDate(q.runAt)} whose best match was uncertain${q.bandLow !== null ? html`
      (between ${percent(q.bandLow)} and ${percent(q.bandHigh)})` : ''}. ${plural(q.pending, 'pair is', 'pairs are')} waiting for a decision.</p>
    <div class="govuk-inset-text">Your decision is saved straight away and <strong>applies at the next linkage run</strong>: until then the
      records stay linked or apart as they are now. A later decision on the same two records replaces an earlier one.</div>
    <p class="govuk-body">Show: ${Object.entries(STATUSES).map(([k, label], i) => html`${i ? ', ' : ''}${k === filter
    ? html`<strong>${label.toLowerCase()}</strong>`
    : html`<a class="govuk-link" href="#/data/review?status=${k}">${label.toLowerCase()}</a>`}`)}.</p>
    ${q.pairs.length ? html`<p class="govuk-body-s fc-provenance">Showing ${after + 1} to ${after + q.pairs.length} of ${q.total}, highest match probability first.</p>
      ${q.pairs.map((p, i) => pairCard(p, after + i))}` : html`<p class="govuk-body">No pairs ${filter === 'pending' ? 'are waiting for a decision' : 'to show'}.</p>`}
    ${pagination(filter, after, q.nextAfter)}` : html`
    <p class="govuk-body">No linkage run was found, so there is nothing to review. Run <code>family-context link</code> first.</p>`}`,
  { title: problems.length ? 'Error: Match review' : 'Match review', focus: notice && notice.done ? '.govuk-notification-banner' : 'h1' });
  status(notice && notice.done ? notice.done : `${plural(q.pending, 'pair', 'pairs')} waiting for a decision`);

  for (const button of document.querySelectorAll('[data-decide]')) {
    button.addEventListener('click', async () => {
      button.disabled = true;  // one click, one decision
      const { decide, a, b } = button.dataset;
      const answer = await graphql(DECIDE_MATCH, { recordA: a, recordB: b, decision: decide.toUpperCase() }, { signal });
      if (answer.aborted || signal.aborted) return;
      if (answer.errors.length || !answer.data) {
        renderReview(view, params, context, { errors: graphqlErrors(answer.errors) });
        return;
      }
      const done = `Recorded: ${a} and ${b} are ${decide === 'same' ? 'the same person' : 'not the same person'}. This applies at the next linkage run.`;
      renderReview(view, params, context, { done });
    });
  }
}
