// Relationship queries for MASSH analysts (and team managers): adults of concern near a child, who else lives or
// lived at the person's addresses, and how two people are connected. Every query starts from a chosen person, whose
// purpose of access is asked first like anywhere else.
import { html, personHref } from '../html.js';
import { formatDate, plural, sourceName, valueOr } from '../format.js';
import { errorSummary, graphqlErrors, loading } from './common.js';
import { graphql } from '../graphql.js';
import { ANALYST_PERSON, FIND_PEOPLE, PATHS, PEOPLE_AT_ADDRESS, PEOPLE_OF_CONCERN, SHARED_ADDRESSES } from '../queries.js';
import { ensurePurpose } from './person.js';

const CONCERNS = [['ASB', 'Anti-social behaviour'], ['PROBATION', 'Probation'], ['YOUTH_JUSTICE', 'Youth justice']];
const hashFor = (params) => `#/analyst?${new URLSearchParams(Object.entries(params).filter(([, v]) => v !== '' && v != null)).toString()}`;

// "Everyone recorded at X" when one page holds them all; otherwise which of how many this page shows.
function residentsCaption(page, shown, after, where) {
  if (!page || (!after && !page.pageInfo.hasNextPage)) return `Everyone recorded at ${where}`;
  return `${plural(page.totalCount, 'person', 'people')} recorded at ${where}: ${shown} on this page`;
}

function residentPages(page, params) {
  if (!page || (!params.after && !page.pageInfo.hasNextPage)) return '';
  return html`<nav class="govuk-pagination" aria-label="People at this address">
    ${params.after ? html`<div class="govuk-pagination__prev"><a class="govuk-link govuk-pagination__link" href="${hashFor({ ...params, after: '' })}">
      <span class="govuk-pagination__link-title">First page</span></a></div>` : ''}
    ${page.pageInfo.hasNextPage ? html`<div class="govuk-pagination__next"><a class="govuk-link govuk-pagination__link" rel="next" href="${hashFor({ ...params, after: page.pageInfo.endCursor })}">
      <span class="govuk-pagination__link-title">Next page</span></a></div>` : ''}
  </nav>`;
}

function peopleTable(caption, rows, columns) {
  return html`
  <table class="govuk-table">
    <caption class="govuk-table__caption govuk-table__caption--s">${caption}</caption>
    <thead class="govuk-table__head"><tr class="govuk-table__row">
      ${columns.map(([label]) => html`<th scope="col" class="govuk-table__header">${label}</th>`)}
    </tr></thead>
    <tbody class="govuk-table__body">
      ${rows.map((row) => html`<tr class="govuk-table__row">${columns.map(([, cell]) => html`<td class="govuk-table__cell">${cell(row)}</td>`)}</tr>`)}
    </tbody>
  </table>`;
}

const personLink = (p) => html`<a class="govuk-link" href="${personHref(p.id)}">${p.displayName}</a>`;

function pickPersonForm(params, results) {
  return html`
  <form id="pick-form" novalidate>
    <div class="govuk-form-group">
      <h2 class="govuk-label-wrapper"><label class="govuk-label govuk-label--m" for="pick-name">Start from a person</label></h2>
      <div id="pick-name-hint" class="govuk-hint">Name or case ID</div>
      <input class="govuk-input govuk-!-width-one-half" id="pick-name" name="q" type="text" spellcheck="false" autocomplete="off"
        value="${params.q || ''}" aria-describedby="pick-name-hint">
    </div>
    <button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button">Find</button>
  </form>
  ${results ? (results.length ? peopleTable('Choose the person', results, [
    ['Name', (p) => html`<a class="govuk-link" href="${hashFor({ person: p.id })}">${p.displayName}</a>`],
    ['Case IDs', (p) => (p.caseIds.length ? p.caseIds.join(', ') : 'None')],
    ['Age', (p) => valueOr(p.age, 'Not known')],
    ['Address', (p) => valueOr(p.currentAddress)],
  ]) : html`<p class="govuk-body">No people found.</p>`) : ''}`;
}

function concernForm(params) {
  const chosen = new Set((params.types || 'ASB,PROBATION,YOUTH_JUSTICE').split(','));
  return html`
  <form id="concern-form" novalidate class="fc-analyst-form">
    <div class="govuk-form-group">
      <fieldset class="govuk-fieldset">
        <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Involvements of concern</legend>
        <div class="govuk-checkboxes govuk-checkboxes--small govuk-checkboxes--inline" data-module="govuk-checkboxes">
          ${CONCERNS.map(([v, label]) => html`
          <div class="govuk-checkboxes__item">
            <input class="govuk-checkboxes__input" id="type-${v.toLowerCase()}" name="types" type="checkbox" value="${v}"${chosen.has(v) ? html` checked` : ''}>
            <label class="govuk-label govuk-checkboxes__label" for="type-${v.toLowerCase()}">${label}</label>
          </div>`)}
        </div>
      </fieldset>
    </div>
    <div class="govuk-form-group">
      <label class="govuk-label govuk-label--s" for="concern-depth">Steps from the child</label>
      <select class="govuk-select" id="concern-depth" name="depth">
        ${[1, 2, 3].map((d) => html`<option value="${d}"${String(d) === String(params.depth || 2) ? html` selected` : ''}>${d}</option>`)}
      </select>
    </div>
    <button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button">Find people of concern</button>
  </form>`;
}

function pathForm(params, candidates) {
  return html`
  <form id="path-form" novalidate class="fc-analyst-form">
    <div class="govuk-form-group">
      <label class="govuk-label govuk-label--s" for="to-name">The other person (name or case ID)</label>
      <input class="govuk-input govuk-!-width-one-half" id="to-name" name="toq" type="text" spellcheck="false" autocomplete="off" value="${params.toq || ''}">
    </div>
    <button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button">Find connections</button>
  </form>
  ${candidates ? (candidates.length ? peopleTable('Choose the other person', candidates, [
    ['Name', (p) => html`<a class="govuk-link" href="${hashFor({ person: params.person, to: p.id })}">${p.displayName}</a>`],
    ['Case IDs', (p) => (p.caseIds.length ? p.caseIds.join(', ') : 'None')],
    ['Age', (p) => valueOr(p.age, 'Not known')],
  ]) : html`<p class="govuk-body">No people found.</p>`) : ''}`;
}

function pathList(paths) {
  if (!paths.length) return html`<p class="govuk-body fc-paths-none">No connection found within 4 steps.</p>`;
  return html`<ol class="govuk-list govuk-list--number fc-paths">${paths.map((p) => {
    const byId = new Map(p.nodes.map((n) => [n.id, n]));
    return html`<li>${p.edges.map((e, i) => html`${i ? ' → ' : ''}${(byId.get(e.source) || {}).label || e.source} <span class="govuk-body-s">(${(e.kind || e.type).toLowerCase().replace(/_/g, ' ')})</span> ${(byId.get(e.target) || {}).label || e.target}`)}</li>`;
  })}</ol>`;
}

async function search(q, signal) {
  const caseLike = /^[A-Za-z]{2,4}\d{3,}$/.test(q.trim());
  const { data } = await graphql(FIND_PEOPLE, caseLike ? { caseId: q.trim(), first: 10 } : { name: q.trim(), first: 10 }, { signal });
  return data && data.searchPeople ? data.searchPeople.edges.map((e) => e.node) : [];
}

export async function renderAnalyst(view, params, context) {
  const { signal, status, user, navigate } = context;
  if (!params.person) {
    const results = params.q ? await search(params.q, signal) : null;
    if (signal.aborted) return;
    view.render(html`
      <h1 class="govuk-heading-l" tabindex="-1">Relationship queries</h1>
      <p class="govuk-body">Adults of concern near a child, who else lives or lived at the same addresses, and how two people are connected.</p>
      ${pickPersonForm(params, results)}`, { title: 'Relationship queries' });
    view.querySelector('#pick-form').addEventListener('submit', (event) => {
      event.preventDefault();
      navigate(hashFor({ q: event.target.elements.q.value.trim() }));
    });
    return;
  }
  const id = params.person;
  if (!await ensurePurpose(view, id, { signal, status, user, backHash: '#/analyst' })) return;
  view.render(loading('Running the queries…'), { title: 'Loading – Relationship queries', focus: false });
  status('Running the relationship queries');
  const types = (params.types || 'ASB,PROBATION,YOUTH_JUSTICE').split(',').filter((t) => CONCERNS.some(([v]) => v === t));
  const depth = Math.min(3, Math.max(1, Number(params.depth) || 2));
  const [personAnswer, concernAnswer, sharedAnswer, pathAnswer, candidates] = await Promise.all([
    graphql(ANALYST_PERSON, { id }, { signal }),
    graphql(PEOPLE_OF_CONCERN, { id, depth, types, minAge: 18 }, { signal }),
    graphql(SHARED_ADDRESSES, { id }, { signal }),
    params.to ? graphql(PATHS, { fromId: id, toId: params.to, maxHops: 4 }, { signal }) : Promise.resolve(null),
    params.toq && !params.to ? search(params.toq, signal) : Promise.resolve(null),
  ]);
  if (signal.aborted) return;
  const errors = [personAnswer, concernAnswer, sharedAnswer, pathAnswer].filter(Boolean).flatMap((a) => a.errors || []);
  const person = personAnswer.data && personAnswer.data.person;
  if (!person) {
    view.render(html`${errorSummary(graphqlErrors(errors))}<h1 class="govuk-heading-l" tabindex="-1">Relationship queries</h1>`,
      { title: 'Error: Relationship queries' });
    return;
  }
  const concernPage = concernAnswer.data && concernAnswer.data.peopleOfConcern;
  const concern = concernPage ? concernPage.edges.map((e) => e.node) : [];
  const sharedPage = sharedAnswer.data && sharedAnswer.data.sharedAddresses;
  const shared = sharedPage ? sharedPage.edges.map((e) => e.node) : [];
  let residents = null;
  let residentPage = null;
  if (params.address) {
    const answer = await graphql(PEOPLE_AT_ADDRESS, { addressId: params.address, after: params.after || null }, { signal });
    if (signal.aborted) return;
    errors.push(...(answer.errors || []));
    residentPage = answer.data && answer.data.peopleAtAddress;
    residents = residentPage ? residentPage.edges.map((e) => e.node) : [];
  }
  const addressName = (a) => [a.line, a.postcode].filter(Boolean).join(', ');
  const chosenAddress = person.addresses.find((a) => a.id === params.address);
  view.render(html`
    ${errorSummary(graphqlErrors(errors))}
    <a href="#/analyst" class="govuk-back-link">Choose another person</a>
    <span class="govuk-caption-l">Relationship queries</span>
    <h1 class="govuk-heading-l" tabindex="-1">${person.displayName}</h1>
    <p class="govuk-body">${person.caseIds.length ? `Case IDs ${person.caseIds.join(', ')}. ` : ''}Age ${valueOr(person.age, 'not known')}.
      <a class="govuk-link" href="${personHref(person.id)}">Open their page</a> or see the
      <a class="govuk-link" href="#/person/${encodeURIComponent(person.id)}/network?depth=2&amp;links=FAMILY,HOUSEHOLD,ADDRESS">network two steps out</a>.</p>

    <h2 class="govuk-heading-m" id="concern">Adults of concern</h2>
    ${concernForm({ ...params, depth })}
    ${concern.length ? peopleTable(`${concernPage.pageInfo.hasNextPage ? 'The nearest ' : ''}${plural(concern.length, 'adult', 'adults')} within ${depth} ${depth === 1 ? 'step' : 'steps'}`, concern, [
    ['Name', (c) => personLink(c.person)], ['Age', (c) => valueOr(c.person.age, 'Not known')],
    ['Steps', (c) => valueOr(c.steps, 'Not known')], ['Involvements', (c) => html`<ul class="govuk-list govuk-body-s govuk-!-margin-bottom-0">${c.involvements.map((i) => html`<li>${i}</li>`)}</ul>`],
  ]) : html`<p class="govuk-body fc-concern-none">No adults with these involvements within ${depth} ${depth === 1 ? 'step' : 'steps'}.</p>`}

    <h2 class="govuk-heading-m" id="addresses">People at the same addresses</h2>
    ${person.addresses.length ? html`<ul class="govuk-list">${person.addresses.map((a) => html`
      <li><a class="govuk-link" href="${hashFor({ ...params, address: a.id, after: '' })}">${addressName(a)}</a>${a.mostRecent ? ' (most recent)' : ''}</li>`)}</ul>` : html`<p class="govuk-body">No addresses are recorded.</p>`}
    ${residents ? (residents.length ? peopleTable(residentsCaption(residentPage, residents.length, params.after, chosenAddress ? addressName(chosenAddress) : 'this address'), residents, [
    ['Name', (r) => personLink(r.person)], ['Age', (r) => valueOr(r.person.age, 'Not known')],
    ['Lives there now', (r) => (r.livesThereNow ? 'Yes' : 'No')], ['Last seen', (r) => formatDate(r.lastSeen) || 'Not recorded'],
    ['Recorded by', (r) => r.recordedBy.map(sourceName).join(', ')],
  ]) : html`<p class="govuk-body">No one else is recorded at this address.</p>`) : ''}
    ${residentPages(residentPage, params)}
    ${shared.length ? peopleTable(sharedPage.pageInfo.hasNextPage ? `The first ${shared.length} addresses shared with other people` : 'Addresses shared with other people', shared, [
    ['Address', (s) => addressName(s)], ['People', (s) => html`<ul class="govuk-list govuk-body-s govuk-!-margin-bottom-0">${s.people.map((p) => html`<li>${personLink(p)}</li>`)}</ul>`],
  ]) : html`<p class="govuk-body">No addresses shared with other people.</p>`}

    <h2 class="govuk-heading-m" id="paths">How two people are connected</h2>
    ${pathForm(params, candidates)}
    ${pathAnswer ? pathList((pathAnswer.data && pathAnswer.data.paths) || []) : ''}`, { title: 'Relationship queries' });
  status('Relationship queries done');

  view.querySelector('#concern-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const form = event.target;
    const chosen = [...form.querySelectorAll('input[name="types"]:checked')].map((i) => i.value);
    navigate(hashFor({ ...params, types: chosen.join(','), depth: form.elements.depth.value }));
  });
  view.querySelector('#path-form').addEventListener('submit', (event) => {
    event.preventDefault();
    navigate(hashFor({ ...params, to: '', toq: event.target.elements.toq.value.trim() }));
  });
}
