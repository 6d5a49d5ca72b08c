// Page 3: one person — summary, who to contact, services (accordion), family, addresses, contact numbers.
import { html, mailtoHref, personHref, telHref } from '../html.js';
import { byDate, capitalise, dateOr, formatDate, sourceName, valueOr } from '../format.js';
import { errorSummary, graphqlErrors, loading, statusTag } from './common.js';
import { graphql, PERSON } from '../graphql.js';

const GENDERS = { M: 'Male', F: 'Female', U: 'Not known' };

function summaryRow(key, value) {
  return html`
  <div class="govuk-summary-list__row">
    <dt class="govuk-summary-list__key">${key}</dt>
    <dd class="govuk-summary-list__value">${value}</dd>
  </div>`;
}

function addressText(address) {
  if (!address) return 'Not recorded';
  return [address.line, address.postcode].filter(Boolean).join(', ');
}

function personSummary(person) {
  return html`
  <dl class="govuk-summary-list fc-person-summary">
    ${summaryRow('Name', person.displayName)}
    ${summaryRow('Date of birth', dateOr(person.dob))}
    ${summaryRow('Age', valueOr(person.age, 'Not known'))}
    ${summaryRow('Gender', GENDERS[person.gender] || valueOr(person.gender, 'Not recorded'))}
    ${summaryRow('Case IDs', person.caseIds.length ? person.caseIds.join(', ') : 'None')}
    ${summaryRow('Current address', addressText(person.currentAddress))}
  </dl>`;
}

function practitioner(p) {
  if (!p) return html`<p class="govuk-body">No lead practitioner recorded.</p>`;
  const role = [p.role, p.team].filter(Boolean).join(', ');
  return html`
  <div class="fc-practitioner">
    <p class="govuk-body govuk-!-margin-bottom-1"><strong>${p.name}</strong>${role ? html`<br><span class="govuk-body-s">${role}</span>` : ''}</p>
    <ul class="govuk-list govuk-!-margin-bottom-0">
      <li>Phone: ${p.phone ? html`<a class="govuk-link" href="${telHref(p.phone)}">${p.phone}</a>` : 'Not recorded'}</li>
      <li>Email: ${p.email ? html`<a class="govuk-link fc-break" href="${mailtoHref(p.email)}">${p.email}</a>` : 'Not recorded'}</li>
    </ul>
  </div>`;
}

function involvement(inv, service) {
  return html`
  <div class="fc-involvement">
    <h4 class="govuk-heading-s govuk-!-margin-bottom-2">${inv.kind} ${statusTag(inv.status)}</h4>
    <dl class="govuk-summary-list govuk-summary-list--no-border fc-compact">
      ${summaryRow('Start', dateOr(inv.startDate))}
      ${summaryRow('End', inv.endDate ? formatDate(inv.endDate) : (inv.status === 'Current' ? 'Open' : 'Not recorded'))}
      ${summaryRow('Most recent contact', dateOr(inv.lastContact))}
      ${inv.details.map((d) => summaryRow(d.label, d.value))}
      ${summaryRow('Lead practitioner', practitioner(inv.leadPractitioner))}
    </dl>
  </div>`;
}

function provenance(service) {
  const parts = [];
  if (service.correctAsOf) parts.push(html`Correct as of ${formatDate(service.correctAsOf)}`);
  if (service.coverageFrom || service.coverageTo) {
    parts.push(html`covering ${dateOr(service.coverageFrom, 'the earliest record')} to ${dateOr(service.coverageTo, 'the latest extract')}`);
  }
  return html`<p class="govuk-body-s fc-provenance">From ${service.system}.
    ${parts.length ? html`${parts.map((p, i) => html`${i ? ', ' : ''}${p}`)}.` : 'Extract date not recorded.'}</p>`;
}

function servicesAccordion(services) {
  if (!services.length) return html`<p class="govuk-body">No services are configured.</p>`;
  return html`
  <div class="govuk-accordion fc-services" data-module="govuk-accordion" id="services">
    ${services.map((s, i) => html`
    <div class="govuk-accordion__section" data-service="${s.key}" data-status="${s.status}">
      <div class="govuk-accordion__section-header">
        <h3 class="govuk-accordion__section-heading">
          <span class="govuk-accordion__section-button" id="services-heading-${i + 1}">${s.name}</span>
        </h3>
        <div class="govuk-accordion__section-summary govuk-body" id="services-summary-${i + 1}">
          ${statusTag(s.status)} ${s.summary}
        </div>
      </div>
      <div id="services-content-${i + 1}" class="govuk-accordion__section-content">
        ${s.involvements.map((inv) => involvement(inv, s))}
        ${provenance(s)}
      </div>
    </div>`)}
  </div>`;
}

/** Everyone to call, across services, current involvements first. */
function contactsTable(services) {
  const rows = [];
  for (const s of services) {
    for (const inv of s.involvements) {
      if (inv.leadPractitioner) rows.push({ service: s, inv, p: inv.leadPractitioner });
    }
  }
  if (!rows.length) return html`<p class="govuk-body">No lead practitioners are recorded for this person.</p>`;
  rows.sort((a, b) => (a.inv.status === 'Current' ? 0 : 1) - (b.inv.status === 'Current' ? 0 : 1));
  return html`
  <table class="govuk-table fc-contacts">
    <caption class="govuk-table__caption govuk-visually-hidden">Lead practitioners, current involvements first</caption>
    <thead class="govuk-table__head">
      <tr class="govuk-table__row">
        <th scope="col" class="govuk-table__header">Service</th>
        <th scope="col" class="govuk-table__header">Lead practitioner</th>
        <th scope="col" class="govuk-table__header">Phone</th>
        <th scope="col" class="govuk-table__header">Email</th>
      </tr>
    </thead>
    <tbody class="govuk-table__body">
      ${rows.map(({ service, inv, p }) => html`
      <tr class="govuk-table__row">
        <td class="govuk-table__cell">${service.name}<br><span class="govuk-body-s">${inv.kind}, ${inv.status.toLowerCase()}</span></td>
        <td class="govuk-table__cell">${p.name}${p.role || p.team ? html`<br><span class="govuk-body-s">${[p.role, p.team].filter(Boolean).join(', ')}</span>` : ''}</td>
        <td class="govuk-table__cell fc-nowrap">${p.phone ? html`<a class="govuk-link" href="${telHref(p.phone)}">${p.phone}</a>` : 'Not recorded'}</td>
        <td class="govuk-table__cell fc-break">${p.email ? html`<a class="govuk-link" href="${mailtoHref(p.email)}">${p.email}</a>` : 'Not recorded'}</td>
      </tr>`)}
    </tbody>
  </table>`;
}

function sourcesList(sources) {
  return html`<ul class="govuk-list govuk-body-s govuk-!-margin-bottom-0">${sources.map((s) => html`<li>${sourceName(s)}</li>`)}</ul>`;
}

function familyTable(relationships) {
  if (!relationships.length) return html`<p class="govuk-body">No family members or other relationships are recorded.</p>`;
  return html`
  <table class="govuk-table fc-family">
    <caption class="govuk-table__caption govuk-visually-hidden">Family and relationships</caption>
    <thead class="govuk-table__head">
      <tr class="govuk-table__row">
        <th scope="col" class="govuk-table__header">Relationship</th>
        <th scope="col" class="govuk-table__header">Name</th>
        <th scope="col" class="govuk-table__header govuk-table__header--numeric">Age</th>
        <th scope="col" class="govuk-table__header">Recorded by</th>
        <th scope="col" class="govuk-table__header">Known to</th>
      </tr>
    </thead>
    <tbody class="govuk-table__body">
      ${relationships.map((r) => html`
      <tr class="govuk-table__row" data-person-id="${r.person.id}">
        <td class="govuk-table__cell">${r.type}</td>
        <td class="govuk-table__cell"><a class="govuk-link" href="${personHref(r.person.id)}">${r.person.displayName}</a></td>
        <td class="govuk-table__cell govuk-table__cell--numeric">${valueOr(r.person.age, 'Not known')}</td>
        <td class="govuk-table__cell govuk-body-s">${sourceName(r.source)}</td>
        <td class="govuk-table__cell">${sourcesList(r.person.sources)}</td>
      </tr>`)}
    </tbody>
  </table>`;
}

function addressesTable(addresses) {
  if (!addresses.length) return html`<p class="govuk-body">No addresses are recorded.</p>`;
  const sorted = [...addresses].sort((a, b) => Number(b.mostRecent) - Number(a.mostRecent));
  return html`
  <table class="govuk-table fc-addresses">
    <caption class="govuk-table__caption govuk-visually-hidden">All known addresses, most recent first</caption>
    <thead class="govuk-table__head">
      <tr class="govuk-table__row">
        <th scope="col" class="govuk-table__header">Address</th>
        <th scope="col" class="govuk-table__header">Recorded by</th>
      </tr>
    </thead>
    <tbody class="govuk-table__body">
      ${sorted.map((a) => html`
      <tr class="govuk-table__row">
        <td class="govuk-table__cell">${addressText(a)}${a.mostRecent ? html` <strong class="govuk-tag govuk-tag--turquoise fc-most-recent">Most recent</strong>` : ''}</td>
        <td class="govuk-table__cell">${sourcesList(a.sources)}</td>
      </tr>`)}
    </tbody>
  </table>`;
}

function contactNumbersTable(numbers) {
  if (!numbers.length) return html`<p class="govuk-body">No contact numbers are recorded.</p>`;
  const sorted = [...numbers].sort(byDate((n) => n.updatedAt, true));
  return html`
  <table class="govuk-table fc-numbers">
    <caption class="govuk-table__caption govuk-visually-hidden">Contact numbers, most recently updated first</caption>
    <thead class="govuk-table__head">
      <tr class="govuk-table__row">
        <th scope="col" class="govuk-table__header">Number</th>
        <th scope="col" class="govuk-table__header">Type</th>
        <th scope="col" class="govuk-table__header">Recorded by</th>
        <th scope="col" class="govuk-table__header">Updated</th>
      </tr>
    </thead>
    <tbody class="govuk-table__body">
      ${sorted.map((n) => html`
      <tr class="govuk-table__row">
        <td class="govuk-table__cell fc-nowrap"><a class="govuk-link" href="${telHref(n.number)}">${n.number}</a></td>
        <td class="govuk-table__cell">${capitalise(valueOr(n.type))}</td>
        <td class="govuk-table__cell">${sourceName(n.source)}</td>
        <td class="govuk-table__cell fc-nowrap">${dateOr(n.updatedAt)}</td>
      </tr>`)}
    </tbody>
  </table>`;
}

function personPage(person, backHash) {
  const current = person.services.filter((s) => s.status === 'Current').length;
  return html`
  <a href="${backHash || '#/'}" class="govuk-back-link">${backHash ? 'Back to search results' : 'Find a person'}</a>
  <span class="govuk-caption-l">Person</span>
  <h1 class="govuk-heading-l" tabindex="-1">${person.displayName}</h1>
  ${personSummary(person)}

  <h2 class="govuk-heading-m">Who to contact</h2>
  ${contactsTable(person.services)}

  <h2 class="govuk-heading-m">Services</h2>
  <p class="govuk-body">${current} of ${person.services.length} services currently know ${person.firstName || 'this person'}.</p>
  ${servicesAccordion(person.services)}

  <h2 class="govuk-heading-m">Family and relationships</h2>
  ${familyTable(person.relationships)}

  <h2 class="govuk-heading-m">Addresses</h2>
  ${addressesTable(person.addresses)}

  <h2 class="govuk-heading-m">Contact numbers</h2>
  ${contactNumbersTable(person.contactNumbers)}`;
}

export async function renderPerson(view, id, { signal, status, backHash }) {
  view.render(loading('Loading…'), { title: 'Loading – Person', focus: false });
  status('Loading');
  const { data, errors, aborted } = await graphql(PERSON, { id }, { signal });
  if (aborted || signal.aborted) return;

  const notFound = errors.some((e) => e && e.extensions && e.extensions.code === 'NOT_FOUND') || (!errors.length && data && !data.person);
  if (notFound) {
    view.render(html`
      <h1 class="govuk-heading-l" tabindex="-1">Person not found</h1>
      <p class="govuk-body">No person has this ID. They may have been merged with another record after a reload.</p>
      <p class="govuk-body"><a class="govuk-link" href="#/">Find a person</a></p>`, { title: 'Person not found' });
    status('Person not found');
    return;
  }
  if (errors.length || !data || !data.person) {
    view.render(html`
      ${errorSummary(graphqlErrors(errors))}
      <h1 class="govuk-heading-l" tabindex="-1">Person</h1>
      <p class="govuk-body"><a class="govuk-link" href="#/">Find a person</a></p>`, { title: 'Error: Person' });
    status('There is a problem');
    return;
  }
  // The title stays generic: browser history and tab lists should not collect names.
  view.render(personPage(data.person, backHash), { title: 'Person' });
  status('Person loaded');
}
