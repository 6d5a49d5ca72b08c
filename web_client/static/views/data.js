// The data-source register and load report: each source system, when it was extracted and loaded, the period it
// covers, and its rows in, loaded and quarantined (a quarantined row is never silently lost: `family-context status`
// and the load report give the reasons). No personal data.
import { html } from '../html.js';
import { dateOr, formatDate, sourceName } from '../format.js';
import { errorSummary, graphqlErrors, loading } from './common.js';
import { graphql } from '../graphql.js';
import { SOURCES } from '../queries.js';

const DAY = 24 * 3600 * 1000;
const number = (n) => Number(n).toLocaleString('en-GB');

function freshness(extractedAt) {
  if (!extractedAt) return html`<strong class="govuk-tag govuk-tag--grey">Not known</strong>`;
  const days = Math.floor((Date.now() - Date.parse(extractedAt)) / DAY);
  if (days <= 1) return html`<strong class="govuk-tag govuk-tag--green">Up to date</strong>`;
  if (days <= 7) return html`<strong class="govuk-tag govuk-tag--yellow">${days} days old</strong>`;
  return html`<strong class="govuk-tag govuk-tag--red">${days} days old</strong>`;
}

export async function renderSources(view, params, { signal, status }) {
  view.render(loading('Loading the sources…'), { title: 'Loading – Data sources', focus: false });
  const { data, errors, aborted } = await graphql(SOURCES, {}, { signal });
  if (aborted || signal.aborted) return;
  if (errors.length || !data) {
    view.render(html`${errorSummary(graphqlErrors(errors))}<h1 class="govuk-heading-l" tabindex="-1">Data sources</h1>`, { title: 'Error: Data sources' });
    return;
  }
  const sources = data.sources;
  const totals = sources.reduce((t, s) => ({ in: t.in + s.rowsIn, loaded: t.loaded + s.rowsLoaded, quarantined: t.quarantined + s.rowsQuarantined }),
    { in: 0, loaded: 0, quarantined: 0 });
  view.render(html`
    <h1 class="govuk-heading-l" tabindex="-1">Data sources</h1>
    <p class="govuk-body">Each source system Family Context loads: how fresh it is, the period it covers, and what happened to its rows in
      the last load. Rows in = rows loaded + rows quarantined; nothing is dropped silently.</p>
    <table class="govuk-table fc-sources">
      <caption class="govuk-table__caption govuk-table__caption--m">Last load of each source</caption>
      <thead class="govuk-table__head"><tr class="govuk-table__row">
        <th scope="col" class="govuk-table__header">Source</th>
        <th scope="col" class="govuk-table__header">Extract taken</th>
        <th scope="col" class="govuk-table__header">Covers</th>
        <th scope="col" class="govuk-table__header">Loaded</th>
        <th scope="col" class="govuk-table__header govuk-table__header--numeric">Rows in</th>
        <th scope="col" class="govuk-table__header govuk-table__header--numeric">Loaded</th>
        <th scope="col" class="govuk-table__header govuk-table__header--numeric">Quarantined</th>
      </tr></thead>
      <tbody class="govuk-table__body">
        ${sources.map((s) => html`
        <tr class="govuk-table__row" data-source="${s.source}">
          <th scope="row" class="govuk-table__header">${s.system}<br><span class="govuk-body-s">${sourceName(s.source)}</span></th>
          <td class="govuk-table__cell">${dateOr(s.extractedAt)}<br>${freshness(s.extractedAt)}</td>
          <td class="govuk-table__cell govuk-body-s">${dateOr(s.coverageFrom, 'the earliest record')} to ${dateOr(s.coverageTo, 'the extract')}</td>
          <td class="govuk-table__cell govuk-body-s">${formatDate(s.lastSynchronised) || 'Not recorded'}</td>
          <td class="govuk-table__cell govuk-table__cell--numeric">${number(s.rowsIn)}</td>
          <td class="govuk-table__cell govuk-table__cell--numeric">${number(s.rowsLoaded)}</td>
          <td class="govuk-table__cell govuk-table__cell--numeric">${s.rowsQuarantined ? html`<strong>${number(s.rowsQuarantined)}</strong>` : '0'}</td>
        </tr>`)}
      </tbody>
      <tfoot><tr class="govuk-table__row">
        <th scope="row" class="govuk-table__header">All sources</th><td class="govuk-table__cell"></td><td class="govuk-table__cell"></td><td class="govuk-table__cell"></td>
        <td class="govuk-table__cell govuk-table__cell--numeric"><strong>${number(totals.in)}</strong></td>
        <td class="govuk-table__cell govuk-table__cell--numeric"><strong>${number(totals.loaded)}</strong></td>
        <td class="govuk-table__cell govuk-table__cell--numeric"><strong>${number(totals.quarantined)}</strong></td>
      </tr></tfoot>
    </table>`, { title: 'Data sources' });
  status('Data sources loaded');
}
