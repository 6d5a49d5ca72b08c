// Page 3: one person — summary, who to contact, services (accordion), family, addresses, contact numbers.
import { html, mailtoHref, personHref, telHref } from '../html.js';
import { byDate, capitalise, dateOr, formatDate, sourceName, valueOr } from '../format.js';
import { errorSummary, graphqlErrors, loading, statusTag } from './common.js';
import { graphql, PERSON } from '../graphql.js';
import { FAMILY_NETWORK, PERMISSION_MATRIX, PERSON_IDENTITY, PERSON_RECORDS } from '../queries.js';
import { canRead, givePurpose, isAnalyst, permissionMatrix, purposeChoices, purposeGiven } from '../session.js';

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

/** Key dates for the section header: the most relevant involvement's start (and end), and the latest contact. */
function keyDates(service) {
  const invs = service.involvements || [];
  if (!invs.length) return '';
  const main = invs.find((i) => i.status === 'Current') || [...invs].sort(byDate((i) => i.startDate, true))[0];
  const lastContact = invs.map((i) => i.lastContact).filter(Boolean).sort().pop();
  const parts = [];
  if (main.startDate) parts.push(main.status === 'Current' ? `since ${formatDate(main.startDate)}` : `${formatDate(main.startDate)} to ${dateOr(main.endDate, 'an end date not recorded')}`);
  if (lastContact) parts.push(`last contact ${formatDate(lastContact)}`);
  return parts.length ? html`<span class="fc-key-dates govuk-body-s">: ${parts.join('; ')}</span>` : '';
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
          ${statusTag(s.status)} ${s.summary}${keyDates(s)}
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

/** "education:Current" pairs -> [{key, status}], current first. */
function serviceFlags(node) {
  if (!node) return [];
  return (node.services || []).map((pair) => {
    const [key, status] = String(pair).split(':');
    return { key, status: status || 'Current' };
  }).filter((f) => f.status !== 'Not found').sort((a, b) => (a.status === 'Current' ? 0 : 1) - (b.status === 'Current' ? 0 : 1));
}

function flagsList(flags, serviceNames) {
  if (!flags.length) return html`<span class="govuk-body-s">No services</span>`;
  return html`<ul class="govuk-list govuk-body-s govuk-!-margin-bottom-0 fc-flags">${flags.map((f) => html`
    <li><span class="fc-flag fc-flag--${f.status === 'Current' ? 'current' : 'historic'}">${serviceNames[f.key] || sourceName(f.key)}</span>
      <span class="govuk-visually-hidden">, </span><span class="fc-flag-status">${f.status.toLowerCase()}</span></li>`)}</ul>`;
}

/** Relatives (from the person's relationships) and household members (from the one-step network), once each. */
export function familyRows(person, network) {
  const nodes = new Map(((network && network.nodes) || []).map((n) => [n.id, n]));
  const edges = (network && network.edges) || [];
  const households = new Set(edges.filter((e) => e.type === 'MEMBER_OF' && e.source === person.id).map((e) => e.target));
  const sameHousehold = new Set(edges.filter((e) => e.type === 'MEMBER_OF' && households.has(e.target)).map((e) => e.source));
  const rows = person.relationships.map((r) => ({
    id: r.person.id, relationship: r.type, name: r.person.displayName, age: r.person.age, source: sourceName(r.source),
    household: sameHousehold.has(r.person.id), node: nodes.get(r.person.id), sources: r.person.sources,
  }));
  const listed = new Set(rows.map((r) => r.id));
  for (const id of sameHousehold) {
    const node = nodes.get(id);
    if (id === person.id || listed.has(id) || !node || node.kind !== 'Person') continue;
    rows.push({ id, relationship: 'Lives in the same household', name: node.label, age: node.age, source: 'Household records',
      household: true, node, sources: null });
  }
  return rows;
}

function familyTable(person, network, serviceNames) {
  const rows = familyRows(person, network);
  if (!rows.length) return html`<p class="govuk-body">No family members, other relationships or household members are recorded.</p>`;
  const flagsKnown = !!network;
  return html`
  <table class="govuk-table fc-family">
    <caption class="govuk-table__caption govuk-visually-hidden">Family and household: relationship, name, age, household, services that know them</caption>
    <thead class="govuk-table__head">
      <tr class="govuk-table__row">
        <th scope="col" class="govuk-table__header">Relationship</th>
        <th scope="col" class="govuk-table__header">Name</th>
        <th scope="col" class="govuk-table__header govuk-table__header--numeric">Age</th>
        <th scope="col" class="govuk-table__header">Same household</th>
        <th scope="col" class="govuk-table__header">${flagsKnown ? 'Services' : 'Known to'}</th>
        <th scope="col" class="govuk-table__header">Recorded by</th>
      </tr>
    </thead>
    <tbody class="govuk-table__body">
      ${rows.map((r) => html`
      <tr class="govuk-table__row" data-person-id="${r.id}">
        <td class="govuk-table__cell">${r.relationship}</td>
        <td class="govuk-table__cell"><a class="govuk-link" href="${personHref(r.id)}">${r.name}</a></td>
        <td class="govuk-table__cell govuk-table__cell--numeric">${valueOr(r.age, 'Not known')}</td>
        <td class="govuk-table__cell">${r.household ? 'Yes' : 'No'}</td>
        <td class="govuk-table__cell">${flagsKnown ? flagsList(serviceFlags(r.node), serviceNames) : sourcesList(r.sources || [])}</td>
        <td class="govuk-table__cell govuk-body-s">${r.source}</td>
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

/** A quiet line under the name: how many records were matched, and how sure the match is, with the why. */
function confidence(records) {
  if (!records || !records.length) return '';
  const lowest = Math.min(...records.map((r) => r.matchProbability));
  const level = lowest >= 0.99 ? 'High' : lowest >= 0.9 ? 'Good' : 'Lower';
  const systems = new Set(records.map((r) => r.source)).size;
  const percent = (p) => `${(Math.floor(p * 1000) / 10).toString()}%`;
  return html`
  <div class="fc-confidence" data-confidence="${level.toLowerCase()}">
    <p class="govuk-body-s govuk-!-margin-bottom-1">
      <span class="fc-confidence__dot fc-confidence__dot--${level.toLowerCase()}" aria-hidden="true"></span>
      Matched from ${records.length} ${records.length === 1 ? 'record' : 'records'} in ${systems} ${systems === 1 ? 'system' : 'systems'}.
      Match confidence: <strong>${level.toLowerCase()}</strong>.
    </p>
    <details class="govuk-details govuk-!-margin-bottom-4">
      <summary class="govuk-details__summary">
        <span class="govuk-details__summary-text">Why we think these records are the same person</span>
      </summary>
      <div class="govuk-details__text">
        <p class="govuk-body-s">Family Context compared names, dates of birth, addresses and identifiers across systems.
          Each record below was matched to this person with the probability shown; 100% means an exact shared
          identifier or the only record. If a record is not this person, report a problem with this information.</p>
        <table class="govuk-table fc-records">
          <caption class="govuk-table__caption govuk-table__caption--s">Records matched to this person</caption>
          <thead class="govuk-table__head"><tr class="govuk-table__row">
            <th scope="col" class="govuk-table__header">System</th>
            <th scope="col" class="govuk-table__header">Record</th>
            <th scope="col" class="govuk-table__header govuk-table__header--numeric">Match</th>
            <th scope="col" class="govuk-table__header">Correct as of</th>
          </tr></thead>
          <tbody class="govuk-table__body">
            ${[...records].sort((a, b) => a.matchProbability - b.matchProbability).map((r) => html`
            <tr class="govuk-table__row">
              <td class="govuk-table__cell">${r.system}</td>
              <td class="govuk-table__cell fc-break">${r.recordId}</td>
              <td class="govuk-table__cell govuk-table__cell--numeric">${percent(r.matchProbability)}</td>
              <td class="govuk-table__cell fc-nowrap">${dateOr(r.correctAsOf)}</td>
            </tr>`)}
          </tbody>
        </table>
        ${linkReasons(records, percent)}
      </div>
    </details>
  </div>`;
}

/** One weight as the data team writes it: +6.9 for, -3.5 against; nothing for a trusted identifier. */
function weight(w) {
  if (w === null || w === undefined) return '';
  return ` (${w > 0 ? '+' : w < 0 ? '−' : ''}${Math.abs(w).toFixed(1)})`;
}

/**
 * Why each record was linked: every link between two of the person's records once (each record carries the links
 * that touch it, so both ends hold the same link), the links that joined the records first. Only comparison
 * levels are shown, never the values compared.
 */
function linkReasons(records, percent) {
  const system = Object.fromEntries(records.map((r) => [`${r.source}:${r.recordId}`, r.system]));
  const seen = new Set();
  const links = [];
  records.forEach((r) => (r.linkReasons || []).forEach((reason) => {
    const a = `${r.source}:${r.recordId}`;
    const b = `${reason.otherSource}:${reason.otherRecordId}`;
    const pair = [a, b].sort().join('|');
    if (seen.has(pair)) return;
    seen.add(pair);
    links.push({ record: r, otherSystem: system[b] || sourceName(reason.otherSource), ...reason });
  }));
  if (!links.length) return '';
  links.sort((x, y) => Number(y.joined) - Number(x.joined) || (y.matchProbability ?? 0) - (x.matchProbability ?? 0));
  const effect = { agrees: 'for', disagrees: 'against', neutral: 'neither', missing: 'not compared' };
  return html`
  <h3 class="govuk-heading-s">How the records were linked</h3>
  <ul class="govuk-list fc-link-reasons">
    ${links.map((l) => html`
    <li class="fc-link-reason" data-method="${l.method}">
      <p class="govuk-body-s govuk-!-margin-bottom-1"><strong>${l.record.system} ${l.record.recordId}</strong> and
        <strong>${l.otherSystem} ${l.otherRecordId}</strong>${l.matchProbability !== null && l.matchProbability !== undefined ? ` (${percent(l.matchProbability)})` : ''}:
        ${l.summary}.${l.joined ? '' : ' This confirms a link already made.'}</p>
      ${l.comparisons.length ? html`
      <ul class="govuk-list govuk-list--bullet govuk-body-s">
        ${l.comparisons.map((c) => html`
        <li data-effect="${c.effect}">${c.comparison}: ${c.level.charAt(0).toLowerCase() + c.level.slice(1)}${c.effect === 'missing' ? '' : weight(c.matchWeight)}<span class="govuk-visually-hidden">, counts ${effect[c.effect] || 'neither'}</span></li>`)}
      </ul>` : ''}
    </li>`)}
  </ul>
  <p class="govuk-body-s">Numbers in brackets are match weights: how much each comparison counted for (+) or against (−) the records being the same person.</p>`;
}

function actions(person, user, allowed) {
  const id = encodeURIComponent(person.id);
  return html`
  <div class="govuk-button-group fc-actions">
    ${allowed.team ? html`<a href="#/person/${id}/team" role="button" draggable="false" class="govuk-button govuk-!-margin-bottom-0" data-module="govuk-button">Team around the child</a>` : ''}
    ${allowed.network ? html`<a href="#/person/${id}/network" role="button" draggable="false" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0" data-module="govuk-button">Family network</a>` : ''}
    ${isAnalyst(user) ? html`<a href="#/analyst?person=${id}" class="govuk-link">Relationship queries</a>` : ''}
  </div>`;
}

function withheld(what) {
  return html`<div class="govuk-inset-text fc-withheld">Your role does not give access to ${what}. Information governance decides who may see each part of a record.</div>`;
}

function personPage(person, { backHash, records, network, user, allowed }) {
  const services = person.services || [];
  const current = services.filter((s) => s.status === 'Current').length;
  const serviceNames = Object.fromEntries(services.map((s) => [s.key, s.name]));
  const reportHref = `#/person/${encodeURIComponent(person.id)}/report`;
  return html`
  <a href="${backHash || '#/'}" class="govuk-back-link">${backHash ? 'Back to search results' : 'Find a person'}</a>
  <span class="govuk-caption-l">Person</span>
  <h1 class="govuk-heading-l govuk-!-margin-bottom-2" tabindex="-1">${person.displayName}</h1>
  ${confidence(records)}
  ${actions(person, user, allowed)}
  ${personSummary(person)}

  <h2 class="govuk-heading-m">Who to contact</h2>
  ${allowed.services ? contactsTable(services) : withheld('lead practitioners')}

  <h2 class="govuk-heading-m">Services</h2>
  ${allowed.services ? html`
  <p class="govuk-body">${current} of ${services.length} services currently know ${person.firstName || 'this person'}.</p>
  ${servicesAccordion(services)}` : withheld('service involvement')}

  <h2 class="govuk-heading-m">Family and household</h2>
  ${allowed.family ? familyTable(person, network, serviceNames) : withheld('family and household')}

  <h2 class="govuk-heading-m">Addresses</h2>
  ${addressesTable(person.addresses)}

  <h2 class="govuk-heading-m">Contact numbers</h2>
  ${allowed.numbers ? contactNumbersTable(person.contactNumbers) : withheld('contact numbers')}

  <p class="govuk-body fc-report"><a class="govuk-link" href="${reportHref}">Report a problem with this information</a></p>`;
}

function purposePage(choices, error, backHash) {
  return html`
  ${error ? errorSummary([{ message: error }]) : ''}
  <a href="${backHash || '#/'}" class="govuk-back-link">${backHash ? 'Back to search results' : 'Find a person'}</a>
  <h1 class="govuk-heading-l" tabindex="-1">Why are you looking at this record?</h1>
  <p class="govuk-body">Choose one. You are asked once for each person; your reason is kept with the record of your access.</p>
  <div class="fc-purposes">
    ${choices.map(([code, label], i) => html`
    <button type="button" class="govuk-button ${i ? 'govuk-button--secondary' : ''} fc-purpose" data-module="govuk-button" data-purpose="${code}">${label}</button>`)}
  </div>`;
}

/** Ask the purpose (once per person per session); resolves when it is recorded, or false if the route changed. */
async function askPurpose(view, id, { signal, status, user, backHash }) {
  const choices = await purposeChoices(user);
  let error = null;
  for (;;) {
    view.render(purposePage(choices, error, backHash), { title: error ? 'Error: Why are you looking at this record?' : 'Why are you looking at this record?' });
    status(error ? 'There is a problem' : 'Choose why you are looking at this record');
    const code = await new Promise((resolve) => {
      view.querySelector('.fc-purposes').addEventListener('click', (event) => {
        const button = event.target.closest('button[data-purpose]');
        if (button) resolve(button.dataset.purpose);
      });
      signal.addEventListener('abort', () => resolve(null));
    });
    if (!code || signal.aborted) return false;
    error = await givePurpose(id, code);
    if (signal.aborted) return false;
    if (!error) return true;
  }
}

/** Before anything about a person is read: their purpose of access, once per person per session. */
export async function ensurePurpose(view, id, context) {
  if (purposeGiven(id)) return true;
  return askPurpose(view, id, context);
}

export async function renderPerson(view, id, { signal, status, backHash, user }) {
  if (!await ensurePurpose(view, id, { signal, status, user, backHash })) return;
  view.render(loading('Loading…'), { title: 'Loading – Person', focus: false });
  status('Loading');
  const matrix = await permissionMatrix(graphql, PERMISSION_MATRIX);
  if (signal.aborted) return;
  const allowed = {
    services: canRead(matrix, user, 'Person', 'services'),
    family: canRead(matrix, user, 'Person', 'relationships'),
    numbers: canRead(matrix, user, 'Person', 'contactNumbers'),
    team: canRead(matrix, user, 'Query', 'teamAroundChild'),
    network: canRead(matrix, user, 'Query', 'network'),
  };
  const full = allowed.services && allowed.family && allowed.numbers;
  // Requests at once: the person (as much as the role may read; PERSON carries the records and why they were
  // linked), the records separately only for the identity-only view, and the family one step out (for each
  // relative's services). Only the first is needed to show the page.
  const [main, recordsAnswer, networkAnswer] = await Promise.all([
    graphql(full ? PERSON : PERSON_IDENTITY, { id }, { signal }),
    full ? Promise.resolve({ data: null, errors: [] }) : graphql(PERSON_RECORDS, { id }, { signal }),
    allowed.network && allowed.family ? graphql(FAMILY_NETWORK, { id }, { signal }) : Promise.resolve({ data: null, errors: [] }),
  ]);
  if (main.aborted || signal.aborted) return;
  const { data, errors } = main;

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
  const person = { services: [], relationships: [], contactNumbers: [], ...data.person };
  const records = full ? data.person.records || null
    : recordsAnswer.data && recordsAnswer.data.person ? recordsAnswer.data.person.records : null;
  const network = networkAnswer.data ? networkAnswer.data.network : null;
  // The title stays generic: browser history and tab lists should not collect names.
  view.render(personPage(person, { backHash, records, network, user, allowed }), { title: 'Person' });
  status('Person loaded');
}
