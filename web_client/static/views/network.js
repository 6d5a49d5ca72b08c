// Family network: the person's family and household (analysts: 2-3 steps, with addresses) as an interactive graph
// drawn by Cytoscape.js (loaded only on this page, from /vendor), colour-coded by relationship and by service, with
// the same information as tables for screen readers and keyboard users.
import { html, personHref } from '../html.js';
import { plural, sourceName, valueOr } from '../format.js';
import { errorSummary, graphqlErrors, loading } from './common.js';
import { graphql } from '../graphql.js';
import { NETWORK } from '../queries.js';
import { hasRole } from '../session.js';
import { ensurePurpose } from './person.js';

const CYTOSCAPE = '/vendor/cytoscape/dist/cytoscape.esm.min.mjs';
const LINKS = [['FAMILY', 'Family'], ['HOUSEHOLD', 'Household'], ['ADDRESS', 'Addresses']];

// Relationship colours (GOV.UK palette) and words; the table says the same in words, so colour is never the only cue.
export const RELATIONSHIPS = {
  parent: { colour: '#1d70b8', text: 'Parent' },
  sibling: { colour: '#00703c', text: 'Sibling' },
  partner: { colour: '#6f4b9f', text: 'Partner' },
  carer: { colour: '#b35f00', text: 'Carer' },
  related: { colour: '#505a5f', text: 'Other relationship' },
  household: { colour: '#8c9196', text: 'Household member' },
  address: { colour: '#8c9196', text: 'Lives or lived at' },
};
const EDGE_KIND = { PARENT_OF: 'parent', SIBLING_OF: 'sibling', PARTNER_OF: 'partner', CARER_OF: 'carer', RELATED_TO: 'related',
  MEMBER_OF: 'household', LIVES_AT: 'address', LIVED_AT: 'address', AT: 'address' };
export const SERVICE_GROUPS = {
  social_care_now: { colour: '#d4351c', text: 'Known to social care now' },
  current: { colour: '#5694ca', text: 'Known to another service now' },
  historic: { colour: '#dfe2e5', text: 'Known in the past only' },
  none: { colour: '#ffffff', text: 'Not known to any service' },
};
const SOCIAL_CARE = new Set(['childrens_social_care', 'adult_social_care']);

export function serviceGroup(node) {
  const pairs = (node.services || []).map((p) => String(p).split(':'));
  if (pairs.some(([k, s]) => s === 'Current' && SOCIAL_CARE.has(k))) return 'social_care_now';
  if (pairs.some(([, s]) => s === 'Current')) return 'current';
  if (pairs.some(([, s]) => s === 'Historic')) return 'historic';
  return 'none';
}

const edgeKind = (e) => EDGE_KIND[e.type] || 'related';
const edgeText = (e) => (e.kind ? e.kind.charAt(0).toUpperCase() + e.kind.slice(1) : RELATIONSHIPS[edgeKind(e)].text);

function servicesText(node, serviceNames) {
  const pairs = (node.services || []).map((p) => String(p).split(':')).filter(([, s]) => s && s !== 'Not found');
  if (!pairs.length) return 'None';
  return pairs.map(([k, s]) => `${serviceNames[k] || sourceName(k)} (${s.toLowerCase()})`).join('; ');
}

const SERVICE_NAMES = {
  childrens_social_care: "Children's social care", adult_social_care: 'Adult social care', education: 'Education',
  housing: 'Housing', anti_social_behaviour: 'Anti-social behaviour', youth_justice: 'Youth justice', probation: 'Probation',
  health: 'Health',
};

function nodeLabel(n) {
  if (n.kind === 'Person') return n.age === null || n.age === undefined ? n.label : `${n.label}, ${n.age}`;
  return n.label;
}

function controls(params, analyst) {
  const depth = Number(params.depth || 1);
  const links = new Set((params.links || 'FAMILY,HOUSEHOLD').split(',').filter(Boolean));
  return html`
  <form id="network-form" class="fc-network-form fc-no-print" novalidate>
    <div class="govuk-form-group">
      <fieldset class="govuk-fieldset" aria-describedby="links-hint">
        <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Show links through</legend>
        <div id="links-hint" class="govuk-hint">Addresses bring in everyone recorded at the same address.</div>
        <div class="govuk-checkboxes govuk-checkboxes--small govuk-checkboxes--inline" data-module="govuk-checkboxes">
          ${LINKS.map(([value, label]) => html`
          <div class="govuk-checkboxes__item">
            <input class="govuk-checkboxes__input" id="link-${value.toLowerCase()}" name="links" type="checkbox" value="${value}"${links.has(value) ? html` checked` : ''}>
            <label class="govuk-label govuk-checkboxes__label" for="link-${value.toLowerCase()}">${label}</label>
          </div>`)}
        </div>
      </fieldset>
    </div>
    ${analyst ? html`
    <div class="govuk-form-group">
      <label class="govuk-label govuk-label--s" for="depth">Steps from the person</label>
      <select class="govuk-select" id="depth" name="depth">
        ${[1, 2, 3].map((d) => html`<option value="${d}"${d === depth ? html` selected` : ''}>${d}</option>`)}
      </select>
    </div>` : ''}
    <button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button">Update the network</button>
  </form>`;
}

function legend() {
  return html`
  <div class="fc-legend" aria-hidden="true">
    <ul class="govuk-list govuk-body-s fc-legend__list">
      ${Object.entries(SERVICE_GROUPS).map(([key, g]) => html`<li><span class="fc-swatch fc-swatch--node fc-swatch--${key}"></span>${g.text}</li>`)}
    </ul>
    <ul class="govuk-list govuk-body-s fc-legend__list">
      ${Object.entries(RELATIONSHIPS).filter(([k]) => k !== 'address').map(([key, r]) => html`<li><span class="fc-swatch fc-swatch--edge fc-swatch--${key}"></span>${r.text}</li>`)}
    </ul>
  </div>`;
}

function tables(network, focusId, serviceNames) {
  const byId = new Map(network.nodes.map((n) => [n.id, n]));
  const people = network.nodes.filter((n) => n.kind === 'Person');
  const name = (id) => {
    const n = byId.get(id);
    if (!n) return 'Not known';
    return n.kind === 'Person' ? html`<a class="govuk-link" href="${personHref(n.id)}">${n.label}</a>` : n.label;
  };
  return html`
  <h2 class="govuk-heading-m" id="network-table" tabindex="-1">People in the network</h2>
  <table class="govuk-table fc-network-people">
    <caption class="govuk-table__caption govuk-visually-hidden">People in the network, with the services that know them</caption>
    <thead class="govuk-table__head"><tr class="govuk-table__row">
      <th scope="col" class="govuk-table__header">Name</th>
      <th scope="col" class="govuk-table__header govuk-table__header--numeric">Age</th>
      <th scope="col" class="govuk-table__header">Services</th>
    </tr></thead>
    <tbody class="govuk-table__body">
      ${people.map((n) => html`
      <tr class="govuk-table__row" data-person-id="${n.id}">
        <th scope="row" class="govuk-table__header"><a class="govuk-link" href="${personHref(n.id)}">${n.label}</a>${n.id === focusId ? html` <strong class="govuk-tag govuk-tag--blue">This person</strong>` : ''}</th>
        <td class="govuk-table__cell govuk-table__cell--numeric">${valueOr(n.age, 'Not known')}</td>
        <td class="govuk-table__cell govuk-body-s">${servicesText(n, serviceNames)}</td>
      </tr>`)}
    </tbody>
  </table>
  <h2 class="govuk-heading-m">Links</h2>
  <table class="govuk-table fc-network-links">
    <caption class="govuk-table__caption govuk-visually-hidden">Each link in the network: who, how, to whom or where</caption>
    <thead class="govuk-table__head"><tr class="govuk-table__row">
      <th scope="col" class="govuk-table__header">From</th>
      <th scope="col" class="govuk-table__header">Link</th>
      <th scope="col" class="govuk-table__header">To</th>
    </tr></thead>
    <tbody class="govuk-table__body">
      ${network.edges.map((e) => html`
      <tr class="govuk-table__row">
        <td class="govuk-table__cell">${name(e.source)}</td>
        <td class="govuk-table__cell">${e.type === 'PARENT_OF' ? `${edgeText(e)} of` : edgeText(e)}</td>
        <td class="govuk-table__cell">${name(e.target)}</td>
      </tr>`)}
    </tbody>
  </table>`;
}

function page(person, network, params, analyst, serviceNames) {
  const people = network.nodes.filter((n) => n.kind === 'Person').length;
  return html`
  <a href="#/person/${encodeURIComponent(person.id)}" class="govuk-back-link">Back to the person</a>
  <span class="govuk-caption-l">${person.displayName}</span>
  <h1 class="govuk-heading-l" tabindex="-1">Family network</h1>
  <p class="govuk-body">${plural(people, 'person', 'people')} and ${plural(network.edges.length, 'link', 'links')}
    ${Number(params.depth || 1) > 1 ? `within ${params.depth} steps` : 'one step'} from ${person.displayName}.
    Select a person in the graph to open their page. <a class="govuk-link" href="#network-table" id="skip-graph">Skip the graph and go to the tables</a>.</p>
  ${network.truncated ? html`<div class="govuk-warning-text"><span class="govuk-warning-text__icon" aria-hidden="true">!</span>
    <strong class="govuk-warning-text__text"><span class="govuk-visually-hidden">Warning</span>The network is larger than can be shown. Reduce the steps or the links.</strong></div>` : ''}
  ${controls(params, analyst)}
  ${legend()}
  <div id="network-graph" class="fc-network-graph" role="img"
    aria-label="${`Graph of ${people} people and their links. The same information is in the tables below.`}"></div>
  ${tables(network, person.id, serviceNames)}`;
}

let cytoscapeModule = null;
async function loadCytoscape() {
  if (!cytoscapeModule) {
    // Cytoscape adds a one-line <style> to <head> unless an element with this id exists; a strict CSP (no inline
    // styles) would refuse it, so the placeholder goes in first and app.css carries the rule instead.
    if (!document.getElementById('__________cytoscape_stylesheet')) {
      const placeholder = document.createElement('meta');
      placeholder.id = '__________cytoscape_stylesheet';
      document.head.append(placeholder);
    }
    cytoscapeModule = (await import(CYTOSCAPE)).default;
  }
  return cytoscapeModule;
}

/** Steps from the focus person, for the concentric layout (the person in the middle, each step a ring out). */
function stepsFrom(network, focusId) {
  const next = new Map(network.nodes.map((n) => [n.id, []]));
  for (const e of network.edges) {
    if (next.has(e.source) && next.has(e.target)) { next.get(e.source).push(e.target); next.get(e.target).push(e.source); }
  }
  const steps = new Map([[focusId, 0]]);
  const queue = [focusId];
  while (queue.length) {
    const id = queue.shift();
    for (const other of next.get(id) || []) if (!steps.has(other)) { steps.set(other, steps.get(id) + 1); queue.push(other); }
  }
  return steps;
}

async function draw(container, network, focusId, navigate) {
  const cytoscape = await loadCytoscape();
  const steps = stepsFrom(network, focusId);
  const maxStep = Math.max(0, ...steps.values());
  const elements = [
    ...network.nodes.map((n) => ({ data: { id: n.id, label: nodeLabel(n), kind: n.kind, group: serviceGroup(n),
      ring: maxStep + 1 - (steps.has(n.id) ? steps.get(n.id) : maxStep + 1), focus: n.id === focusId ? 1 : 0 } })),
    ...network.edges.map((e, i) => ({ data: { id: `e${i}`, source: e.source, target: e.target, rel: edgeKind(e) } })),
  ];
  const style = [
    { selector: 'node', style: { label: 'data(label)', 'font-size': 12, 'font-family': 'Arial, sans-serif', color: '#0b0c0c',
      'text-valign': 'bottom', 'text-margin-y': 4, 'text-background-color': '#ffffff', 'text-background-opacity': 0.85, 'text-background-padding': 2, 'text-wrap': 'wrap', 'text-max-width': 120, width: 28, height: 28,
      'border-width': 2, 'border-color': '#0b0c0c', 'background-color': '#ffffff' } },
    ...Object.entries(SERVICE_GROUPS).map(([key, g]) => ({ selector: `node[group = "${key}"]`, style: { 'background-color': g.colour } })),
    { selector: 'node[kind = "Household"]', style: { shape: 'round-rectangle', width: 22, height: 22, 'background-color': '#f3f2f1', 'border-color': '#505a5f', 'font-size': 10, color: '#505a5f' } },
    { selector: 'node[kind = "Address"]', style: { shape: 'diamond', width: 22, height: 22, 'background-color': '#f3f2f1', 'border-color': '#505a5f', 'font-size': 10, color: '#505a5f' } },
    { selector: 'node[focus = 1]', style: { 'border-width': 5, 'border-color': '#0b0c0c', width: 40, height: 40, 'font-weight': 'bold', 'font-size': 14 } },
    { selector: 'edge', style: { width: 3, 'curve-style': 'bezier', 'line-color': '#505a5f' } },
    ...Object.entries(RELATIONSHIPS).map(([key, r]) => ({ selector: `edge[rel = "${key}"]`, style: { 'line-color': r.colour } })),
    { selector: 'edge[rel = "parent"]', style: { 'target-arrow-shape': 'triangle', 'target-arrow-color': RELATIONSHIPS.parent.colour } },
    { selector: 'edge[rel = "household"], edge[rel = "address"]', style: { 'line-style': 'dashed', width: 2 } },
    { selector: 'node:selected', style: { 'overlay-color': '#ffdd00', 'overlay-opacity': 0.4 } },
  ];
  const cy = cytoscape({
    container, elements, style,
    layout: { name: 'concentric', concentric: (node) => node.data('ring'), levelWidth: () => 1, minNodeSpacing: 80, animate: false, padding: 30 },
    minZoom: 0.3, maxZoom: 3,
  });
  cy.on('tap', 'node[kind = "Person"]', (event) => {
    const id = event.target.id();
    if (id !== focusId) navigate(personHref(id));
  });
  cy.on('mouseover', 'node[kind = "Person"]', () => { container.classList.add('fc-pointer'); });
  cy.on('mouseout', 'node', () => { container.classList.remove('fc-pointer'); });
  return cy;
}

/** Sibling and partner links come once from each side: keep one. */
export function dedupe(network) {
  const seen = new Set();
  const undirected = new Set(['SIBLING_OF', 'PARTNER_OF', 'RELATED_TO']);
  const edges = network.edges.filter((e) => {
    const key = undirected.has(e.type) ? [e.type, ...[e.source, e.target].sort()].join('|') : [e.type, e.source, e.target].join('|');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return { ...network, edges };
}

export async function renderNetwork(view, id, params, context) {
  const { signal, status, user, backHash, navigate } = context;
  if (!await ensurePurpose(view, id, { signal, status, user, backHash })) return;
  const analyst = hasRole(user, 'massh_analyst');
  view.render(loading('Drawing the family network…'), { title: 'Loading – Family network', focus: false });
  status('Loading the family network');
  const depth = Math.min(3, Math.max(1, Number(params.depth) || 1));
  const links = (params.links || 'FAMILY,HOUSEHOLD').split(',').filter((l) => LINKS.some(([v]) => v === l));
  const [{ data, errors, aborted }] = await Promise.all([
    graphql(NETWORK, { id, depth, links: links.length ? links : ['FAMILY', 'HOUSEHOLD'] }, { signal }),
    loadCytoscape().catch(() => null),
  ]);
  if (aborted || signal.aborted) return;
  if (errors.length || !data || !data.network || !data.person) {
    view.render(html`
      ${errorSummary(graphqlErrors(errors))}
      <a href="#/person/${encodeURIComponent(id)}" class="govuk-back-link">Back to the person</a>
      <h1 class="govuk-heading-l" tabindex="-1">Family network</h1>
      ${errors.some((e) => e && e.extensions && e.extensions.code === 'FORBIDDEN') ? html`
      <p class="govuk-body">Your role cannot see this much of the network. Family and household one step from the person are open to
        social workers; more steps are for MASSH analysts.</p>
      <p class="govuk-body"><a class="govuk-link" href="#/person/${encodeURIComponent(id)}/network">Show the family and household</a></p>` : ''}`,
    { title: 'Error: Family network' });
    status('There is a problem');
    return;
  }
  const shown = { depth: String(depth), links: links.join(',') };
  const network = dedupe(data.network);
  view.render(page(data.person, network, shown, analyst, SERVICE_NAMES), { title: 'Family network' });
  status(`Family network: ${plural(data.network.nodes.filter((n) => n.kind === 'Person').length, 'person', 'people')}`);

  view.querySelector('#network-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const form = event.target;
    const chosen = [...form.querySelectorAll('input[name="links"]:checked')].map((i) => i.value);
    const q = new URLSearchParams({ depth: form.elements.depth ? form.elements.depth.value : '1', links: (chosen.length ? chosen : ['FAMILY']).join(',') });
    navigate(`#/person/${encodeURIComponent(id)}/network?${q.toString()}`);
  });
  view.querySelector('#skip-graph').addEventListener('click', (event) => {
    event.preventDefault();
    view.querySelector('#network-table').focus();
  });
  const container = view.querySelector('#network-graph');
  try {
    const cy = await draw(container, network, id, navigate);
    if (signal.aborted) { cy.destroy(); return; }
    signal.addEventListener('abort', () => cy.destroy());
    container.dataset.rendered = String(cy.nodes().length);
  } catch {
    container.innerHTML = String(html`<p class="govuk-body fc-graph-failed">The graph could not be drawn in this browser. The tables below show the same information.</p>`);
  }
}
