// Team around the child: every practitioner currently involved with the child or the people around them, once each,
// with why they are listed; ready to copy, print (print stylesheet in app.css) or download as CSV. The CSV is made in
// the page (a Blob): nothing is sent anywhere to make it.
import { html, mailtoHref, personHref, telHref } from '../html.js';
import { dateOr, plural, valueOr } from '../format.js';
import { errorSummary, graphqlErrors, loading } from './common.js';
import { graphql } from '../graphql.js';
import { TEAM_AROUND_CHILD } from '../queries.js';
import { ensurePurpose } from './person.js';

const reasonText = (r) => `${r.relationship === 'This person' ? r.person.displayName : `${r.relationship} (${r.person.displayName})`}: ${r.service}, ${r.involvement}`;

/** One row per practitioner, as the CSV and the copied text carry them. */
export function teamRows(team) {
  return team.map((m) => ({
    name: m.practitioner.name,
    role: m.practitioner.role || '',
    team: m.practitioner.team || '',
    phone: m.practitioner.phone || '',
    email: m.practitioner.email || '',
    services: [...new Set(m.reasons.map((r) => r.service))].join('; '),
    why: m.reasons.map(reasonText).join('; '),
  }));
}

const CSV_COLUMNS = [['name', 'Name'], ['role', 'Role'], ['team', 'Team'], ['phone', 'Phone'], ['email', 'Email'],
  ['services', 'Services'], ['why', 'Involved with']];

/** RFC 4180 CSV; a cell that a spreadsheet would run as a formula (= + - @) is prefixed with a quote. */
export function toCsv(rows) {
  const cell = (value) => {
    let text = String(value ?? '');
    if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [CSV_COLUMNS.map(([, h]) => h), ...rows.map((r) => CSV_COLUMNS.map(([k]) => r[k]))]
    .map((line) => line.map(cell).join(',')).join('\r\n') + '\r\n';
}

export function toText(rows) {
  return rows.map((r) => [
    r.name, [r.role, r.team].filter(Boolean).join(', '), r.phone && `Phone: ${r.phone}`, r.email && `Email: ${r.email}`,
    `Involved with: ${r.why}`,
  ].filter(Boolean).join('\n')).join('\n\n');
}

function teamTable(team) {
  return html`
  <table class="govuk-table fc-team">
    <caption class="govuk-table__caption govuk-table__caption--m">Practitioners to invite</caption>
    <thead class="govuk-table__head">
      <tr class="govuk-table__row">
        <th scope="col" class="govuk-table__header">Practitioner</th>
        <th scope="col" class="govuk-table__header">Phone</th>
        <th scope="col" class="govuk-table__header">Email</th>
        <th scope="col" class="govuk-table__header">Involved with</th>
      </tr>
    </thead>
    <tbody class="govuk-table__body">
      ${team.map((m) => {
    const p = m.practitioner;
    return html`
      <tr class="govuk-table__row">
        <td class="govuk-table__cell"><strong>${p.name}</strong>${p.role || p.team ? html`<br><span class="govuk-body-s">${[p.role, p.team].filter(Boolean).join(', ')}</span>` : ''}</td>
        <td class="govuk-table__cell fc-nowrap">${p.phone ? html`<a class="govuk-link" href="${telHref(p.phone)}">${p.phone}</a>` : 'Not recorded'}</td>
        <td class="govuk-table__cell fc-break">${p.email ? html`<a class="govuk-link" href="${mailtoHref(p.email)}">${p.email}</a>` : 'Not recorded'}</td>
        <td class="govuk-table__cell">
          <ul class="govuk-list govuk-body-s govuk-!-margin-bottom-0">
            ${m.reasons.map((r) => html`<li>${r.relationship === 'This person' ? '' : html`${r.relationship}, `}<a class="govuk-link" href="${personHref(r.person.id)}">${r.person.displayName}</a>: ${r.service}, ${r.involvement}</li>`)}
          </ul>
        </td>
      </tr>`;
  })}
    </tbody>
  </table>`;
}

function page(person, team, backHref) {
  const emails = [...new Set(team.map((m) => m.practitioner.email).filter(Boolean))];
  const missingEmail = team.filter((m) => !m.practitioner.email).length;
  return html`
  <a href="${backHref}" class="govuk-back-link fc-no-print">Back to the person</a>
  <span class="govuk-caption-l">${person.displayName}${person.caseIds.length ? `, ${person.caseIds.join(', ')}` : ''}</span>
  <h1 class="govuk-heading-l" tabindex="-1">Team around the child</h1>
  ${team.length ? html`
  <p class="govuk-body">${plural(team.length, 'practitioner is', 'practitioners are')} currently involved with ${person.displayName} or the people around them.
    Listed on ${dateOr(new Date().toISOString().slice(0, 10))}.</p>
  <div class="govuk-button-group fc-no-print fc-team-actions">
    <button type="button" class="govuk-button" data-module="govuk-button" id="copy-team">Copy contacts</button>
    <button type="button" class="govuk-button govuk-button--secondary" data-module="govuk-button" id="download-team">Download CSV</button>
    <button type="button" class="govuk-button govuk-button--secondary" data-module="govuk-button" id="print-team">Print</button>
    ${emails.length ? html`<a class="govuk-link" href="${`mailto:${emails.map((e) => mailtoHref(e).slice(7)).join(',')}`}" id="email-team">Email everyone (${emails.length})</a>` : ''}
  </div>
  <div id="team-copied" class="fc-no-print" role="status" aria-live="polite"></div>
  ${missingEmail ? html`<p class="govuk-body-s">${plural(missingEmail, 'practitioner has', 'practitioners have')} no email address in any system: phone them.</p>` : ''}
  ${teamTable(team)}` : html`
  <p class="govuk-body">No practitioner is currently involved with ${person.displayName} or the people around them.</p>`}
  <p class="govuk-body-s fc-print-only">From Family Context. Contains personal data: handle and destroy in line with your council's policy.</p>`;
}

function download(filename, text) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

async function copy(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

export async function renderTeam(view, id, context) {
  const { signal, status, user, backHash } = context;
  if (!await ensurePurpose(view, id, { signal, status, user, backHash })) return;
  view.render(loading('Gathering the team…'), { title: 'Loading – Team around the child', focus: false });
  status('Gathering the team around the child');
  const { data, errors, aborted } = await graphql(TEAM_AROUND_CHILD, { id }, { signal });
  if (aborted || signal.aborted) return;
  const backHref = `#/person/${encodeURIComponent(id)}`;
  if (errors.length || !data || !data.person) {
    view.render(html`
      ${errorSummary(graphqlErrors(errors))}
      <a href="${backHref}" class="govuk-back-link">Back to the person</a>
      <h1 class="govuk-heading-l" tabindex="-1">Team around the child</h1>`, { title: 'Error: Team around the child' });
    status('There is a problem');
    return;
  }
  const team = data.teamAroundChild || [];
  view.render(page(data.person, team, backHref), { title: 'Team around the child' });
  status(`${plural(team.length, 'practitioner', 'practitioners')} listed`);
  if (!team.length) return;

  const rows = teamRows(team);
  const said = view.querySelector('#team-copied');
  view.querySelector('#copy-team').addEventListener('click', async () => {
    const ok = await copy(toText(rows));
    said.innerHTML = String(ok
      ? html`<div class="govuk-inset-text">Copied ${plural(rows.length, 'contact', 'contacts')}. Paste them into your invitation or case record.</div>`
      : html`<div class="govuk-inset-text">Your browser did not allow copying. Select the table and copy it, or download the CSV.</div>`);
  });
  view.querySelector('#download-team').addEventListener('click', () => {
    const stamp = new Date().toISOString().slice(0, 10);
    download(`team-around-the-child-${valueOr(data.person.caseIds[0], 'person')}-${stamp}.csv`, toCsv(rows));
    said.innerHTML = String(html`<div class="govuk-inset-text">Downloaded ${plural(rows.length, 'contact', 'contacts')} as a CSV file.</div>`);
  });
  view.querySelector('#print-team').addEventListener('click', () => window.print());
}
