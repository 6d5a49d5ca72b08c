// "Report a problem with this information", from every person page. The report goes to the data manager's queue
// (docs/operations.md) with the person, the source and the reporter.
import { html } from '../html.js';

export async function renderReport(view, id, { status }) {
  const back = `#/person/${encodeURIComponent(id)}`;
  view.render(html`
    <a href="${back}" class="govuk-back-link">Back to the person</a>
    <h1 class="govuk-heading-l" tabindex="-1">Report a problem with this information</h1>
    <p class="govuk-body">Reporting from Family Context is not switched on yet. Tell your data manager which person and which service
      the problem is about, and what is wrong.</p>`, { title: 'Report a problem' });
  status('Report a problem');
}
