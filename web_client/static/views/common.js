// Pieces shared by the pages: error summary, inline error message, page heading, tags.
import { html } from '../html.js';

/** GOV.UK error summary. errors: [{message, href?}]. */
export function errorSummary(errors) {
  if (!errors || errors.length === 0) return '';
  return html`
  <div class="govuk-error-summary" data-module="govuk-error-summary">
    <div role="alert">
      <h2 class="govuk-error-summary__title">There is a problem</h2>
      <div class="govuk-error-summary__body">
        <ul class="govuk-list govuk-error-summary__list">
          ${errors.map((e) => html`<li>${e.href ? html`<a href="${e.href}">${e.message}</a>` : e.message}</li>`)}
        </ul>
      </div>
    </div>
  </div>`;
}

/** GraphQL errors -> error summary entries, with the server's message (it is written for the user). */
export const graphqlErrors = (errors) => (errors || []).map((e) => ({
  message: (e && typeof e.message === 'string' && e.message.trim()) || 'Something went wrong. Try again.',
}));

export function errorMessage(id, message) {
  if (!message) return '';
  return html`<p id="${id}-error" class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> ${message}</p>`;
}

const STATUS_TAGS = { Current: 'govuk-tag--green', Historic: 'govuk-tag--grey', 'Not found': 'govuk-tag--yellow' };

export function statusTag(status) {
  return html`<strong class="govuk-tag ${STATUS_TAGS[status] || 'govuk-tag--grey'} fc-status">${status || 'Unknown'}</strong>`;
}

export function loading(text) {
  return html`<p class="govuk-body fc-loading">${text}</p>`;
}
