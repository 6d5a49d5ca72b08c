// Page 1 and 2: the search form and the results table (youngest first, as the API returns them).
import { html, personHref } from '../html.js';
import { formatDate, plural, sourceName, valueOr } from '../format.js';
import { errorMessage, errorSummary, graphqlErrors, loading } from './common.js';
import { graphql, SEARCH_PEOPLE } from '../graphql.js';

export const PAGE_SIZE = 20;

/** Read the form into {name, caseId, day, month, year}. */
function readForm(form) {
  const get = (n) => (form.elements[n] ? form.elements[n].value.trim() : '');
  return { name: get('name'), caseId: get('caseId'), day: get('dob-day'), month: get('dob-month'), year: get('dob-year') };
}

/** Check the form; returns {errors: {field: message}, query: {name, dob, caseId}}. */
export function validate(values) {
  const errors = {};
  const { day, month, year } = values;
  let dob = '';
  if (day || month || year) {
    const missing = [!day && 'day', !month && 'month', !year && 'year'].filter(Boolean);
    if (missing.length) {
      errors.dob = `Date of birth must include a ${missing.join(' and a ')}`;
    } else if (!/^\d{1,2}$/.test(day) || !/^\d{1,2}$/.test(month) || !/^\d{4}$/.test(year)) {
      errors.dob = 'Date of birth must be a real date, for example 3 2 2014';
    } else {
      const d = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
      if (d.getUTCFullYear() !== Number(year) || d.getUTCMonth() !== Number(month) - 1 || d.getUTCDate() !== Number(day)) {
        errors.dob = 'Date of birth must be a real date, for example 3 2 2014';
      } else if (d.getTime() > Date.now()) {
        errors.dob = 'Date of birth must be today or in the past';
      } else {
        dob = d.toISOString().slice(0, 10);
      }
    }
  }
  if (!values.name && !values.caseId) {
    errors.name = 'Enter a name or a case ID';
  }
  return { errors, query: { name: values.name, dob, caseId: values.caseId } };
}

/** The query as a hash route: #/search?name=..&dob=..&caseId=.. (empty values left out). */
export function searchHash(query) {
  const params = new URLSearchParams();
  for (const key of ['name', 'dob', 'caseId', 'after']) if (query[key]) params.set(key, query[key]);
  return `#/search?${params.toString()}`;
}

function dobParts(dob) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(dob || '');
  return m ? { year: m[1], month: String(Number(m[2])), day: String(Number(m[3])) } : { year: '', month: '', day: '' };
}

function formGroup(hasError, content) {
  return html`<div class="govuk-form-group${hasError ? ' govuk-form-group--error' : ''}">${content}</div>`;
}

function searchForm(values, errors) {
  const dateInput = (part, label, width) => html`
    <div class="govuk-date-input__item">
      <div class="govuk-form-group">
        <label class="govuk-label govuk-date-input__label" for="dob-${part}">${label}</label>
        <input class="govuk-input govuk-date-input__input govuk-input--width-${width}${errors.dob ? ' govuk-input--error' : ''}"
          id="dob-${part}" name="dob-${part}" type="text" inputmode="numeric" autocomplete="off" value="${values[part] || ''}">
      </div>
    </div>`;
  return html`
  <form id="search-form" class="fc-search-form" novalidate autocomplete="off">
    ${formGroup(errors.name, html`
      <h2 class="govuk-label-wrapper">
        <label class="govuk-label govuk-label--m" for="name">Name</label>
      </h2>
      <div id="name-hint" class="govuk-hint">Surname first is fine, for example ‘Smith John’ or ‘John Smith’. You can search with part of a name.</div>
      ${errorMessage('name', errors.name)}
      <input class="govuk-input govuk-!-width-two-thirds${errors.name ? ' govuk-input--error' : ''}" id="name" name="name" type="text"
        spellcheck="false" autocomplete="off" value="${values.name || ''}"
        aria-describedby="name-hint${errors.name ? ' name-error' : ''}">`)}
    ${formGroup(errors.dob, html`
      <fieldset class="govuk-fieldset" role="group" aria-describedby="dob-hint${errors.dob ? ' dob-error' : ''}">
        <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Date of birth (optional)</legend>
        <div id="dob-hint" class="govuk-hint">For example, 3 2 2014</div>
        ${errorMessage('dob', errors.dob)}
        <div class="govuk-date-input" id="dob">
          ${dateInput('day', 'Day', 2)}${dateInput('month', 'Month', 2)}${dateInput('year', 'Year', 4)}
        </div>
      </fieldset>`)}
    <p class="govuk-body govuk-!-font-weight-bold">or</p>
    ${formGroup(false, html`
      <h2 class="govuk-label-wrapper">
        <label class="govuk-label govuk-label--m" for="caseId">Case ID</label>
      </h2>
      <div id="caseId-hint" class="govuk-hint">A children’s or adult social care case ID</div>
      <input class="govuk-input govuk-input--width-10" id="caseId" name="caseId" type="text" spellcheck="false"
        autocomplete="off" value="${values.caseId || ''}" aria-describedby="caseId-hint">`)}
    <button type="submit" class="govuk-button" data-module="govuk-button">Search</button>
  </form>`;
}

function resultsTable(hits) {
  return html`
  <table class="govuk-table fc-results">
    <caption class="govuk-table__caption govuk-visually-hidden">Search results, youngest first</caption>
    <thead class="govuk-table__head">
      <tr class="govuk-table__row">
        <th scope="col" class="govuk-table__header">Name</th>
        <th scope="col" class="govuk-table__header">Case IDs</th>
        <th scope="col" class="govuk-table__header govuk-table__header--numeric">Age</th>
        <th scope="col" class="govuk-table__header">Date of birth</th>
        <th scope="col" class="govuk-table__header">Current address</th>
        <th scope="col" class="govuk-table__header">Known to</th>
      </tr>
    </thead>
    <tbody class="govuk-table__body">
      ${hits.map((hit) => html`
      <tr class="govuk-table__row" data-person-id="${hit.id}">
        <th scope="row" class="govuk-table__header"><a class="govuk-link" href="${personHref(hit.id)}">${hit.displayName}</a></th>
        <td class="govuk-table__cell">${hit.caseIds.length ? hit.caseIds.map((c) => html`<span class="fc-nowrap">${c}</span><br>`) : 'None'}</td>
        <td class="govuk-table__cell govuk-table__cell--numeric">${valueOr(hit.age, 'Not known')}</td>
        <td class="govuk-table__cell fc-nowrap">${formatDate(hit.dob) || 'Not recorded'}</td>
        <td class="govuk-table__cell">${valueOr(hit.currentAddress)}</td>
        <td class="govuk-table__cell">
          <ul class="govuk-list govuk-body-s govuk-!-margin-bottom-0">${hit.sources.map((s) => html`<li>${sourceName(s)}</li>`)}</ul>
        </td>
      </tr>`)}
    </tbody>
  </table>`;
}

function describeQuery(query) {
  const parts = [];
  if (query.name) parts.push(html`named ‘${query.name}’`);
  if (query.dob) parts.push(html`born ${formatDate(query.dob)}`);
  if (query.caseId) parts.push(html`with case ID ‘${query.caseId}’`);
  return parts.map((p, i) => html`${i ? (i === parts.length - 1 ? ' and ' : ', ') : ''}${p}`);
}

/** Links to the first page and the next closest matches, as GOV.UK pagination. */
function resultPages(query, pageInfo) {
  if (!query.after && !pageInfo.hasNextPage) return '';
  return html`<nav class="govuk-pagination" aria-label="Search results pages">
    ${query.after ? html`<div class="govuk-pagination__prev"><a class="govuk-link govuk-pagination__link" href="${searchHash({ ...query, after: '' })}">
      <span class="govuk-pagination__link-title">First results</span></a></div>` : ''}
    ${pageInfo.hasNextPage ? html`<div class="govuk-pagination__next"><a class="govuk-link govuk-pagination__link" rel="next" href="${searchHash({ ...query, after: pageInfo.endCursor })}">
      <span class="govuk-pagination__link-title">More results</span><span class="govuk-visually-hidden">: the next ${PAGE_SIZE} closest matches</span></a></div>` : ''}
  </nav>`;
}

function results(query, hits, pageInfo) {
  if (hits.length === 0 && !query.after) {
    return html`
    <h2 class="govuk-heading-m" id="results-heading" tabindex="-1">No people found</h2>
    <p class="govuk-body">No one ${describeQuery(query)} is known to any of the systems Family Context searches.</p>
    <p class="govuk-body">You could:</p>
    <ul class="govuk-list govuk-list--bullet">
      <li>check the spelling, or try a shorter form of the name</li>
      <li>leave out the date of birth</li>
      <li>search by case ID</li>
    </ul>`;
  }
  const more = pageInfo.hasNextPage
    ? html`<div class="govuk-inset-text">These are the ${query.after ? 'next ' : ''}${hits.length} closest matches. Add a date of birth or more of the name to narrow the search.</div>`
    : '';
  const heading = query.after
    ? `More people found: ${plural(hits.length, 'person', 'people')} on this page`
    : `${plural(hits.length, 'person', 'people')} found`;
  return html`
  <h2 class="govuk-heading-m" id="results-heading" tabindex="-1">${heading}</h2>
  <p class="govuk-body">${hits.length === 1 ? 'Person' : 'People'} ${describeQuery(query)}${hits.length === 1 ? '' : ', youngest first'}.</p>
  ${more}
  ${hits.length ? resultsTable(hits) : ''}
  ${resultPages(query, pageInfo)}`;
}

function page({ values, fieldErrors = {}, summary = [], resultsMarkup = '' }) {
  const summaryEntries = [
    ...summary,
    ...Object.entries(fieldErrors).map(([field, message]) => ({ message, href: field === 'dob' ? '#dob-day' : `#${field}` })),
  ];
  return html`
  <div class="govuk-grid-row">
    <div class="govuk-grid-column-two-thirds">
      ${errorSummary(summaryEntries)}
      <h1 class="govuk-heading-l" tabindex="-1">Find a person</h1>
      <p class="govuk-body">Search by name, with a date of birth if you know it, or by case ID.</p>
      ${searchForm(values, fieldErrors)}
    </div>
  </div>
  <div id="results">${resultsMarkup}</div>`;
}

/** Render the search page into `view`; when `query` has something to search, run it and show the results. */
export async function renderSearch(view, query, { signal, navigate, status }) {
  const values = { name: query.name || '', caseId: query.caseId || '', ...dobParts(query.dob) };

  const wire = () => {
    view.querySelector('#search-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const formValues = readForm(event.target);
      const checked = validate(formValues);
      if (Object.keys(checked.errors).length) {
        view.render(page({ values: formValues, fieldErrors: checked.errors }), { title: 'Error: Find a person' });
        wire();
        return;
      }
      navigate(searchHash(checked.query));
    });
  };

  const searching = query.name || query.caseId;
  if (!searching) {
    view.render(page({ values }), { title: 'Find a person' });
    wire();
    return;
  }
  view.render(page({ values, resultsMarkup: loading('Searching…') }), { title: 'Searching – Find a person', focus: false });
  wire();
  status('Searching');

  const variables = { first: PAGE_SIZE };
  for (const key of ['name', 'dob', 'caseId', 'after']) if (query[key]) variables[key] = query[key];
  const { data, errors, aborted } = await graphql(SEARCH_PEOPLE, variables, { signal });
  if (aborted || signal.aborted) return;

  if (errors.length || !data) {
    // The API's input errors are about what was typed: link them to the name field.
    const summary = graphqlErrors(errors).map((e, i) => (
      errors[i] && errors[i].extensions && errors[i].extensions.code === 'BAD_USER_INPUT' ? { ...e, href: '#name' } : e));
    view.render(page({ values, summary }), { title: 'Error: Find a person' });
    wire();
    status('There is a problem with the search');
    return;
  }
  const found = data.searchPeople || { edges: [], pageInfo: { hasNextPage: false, endCursor: null } };
  const hits = found.edges.map((edge) => edge.node);
  // A case ID identifies one person: go straight to them (the search page is replaced in the history, so Back
  // returns to the form rather than bouncing back to the person).
  if (query.caseId && !query.name && !query.after && hits.length === 1) {
    status('Opening the person with this case ID');
    navigate(personHref(hits[0].id), { replace: true });
    return;
  }
  view.render(page({ values, resultsMarkup: results(query, hits, found.pageInfo) }), {
    title: 'Search results – Find a person', focus: '#results-heading',
  });
  wire();
  status(hits.length ? `${plural(hits.length, 'person', 'people')} found` : 'No people found');
}
