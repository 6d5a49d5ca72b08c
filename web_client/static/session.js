// Who is signed in (roles decide which pages and links are offered; the server enforces every permission itself),
// and the purpose of access: asked once per person per session, in one click, sent to POST /session/purpose
// (docs/security.md), which the audit records with every read of that person.
import { getSession } from './graphql.js';

export async function currentUser() {
  const session = await getSession();
  return (session && session.user) || { name: null, roles: [], team: null };
}

export const hasRole = (user, ...roles) => roles.some((r) => (user.roles || []).includes(r));

/** Roles that read people's details through the person page (the others have pages of their own). */
export const readsPeople = (user) => hasRole(user, 'social_worker', 'team_manager', 'massh_analyst', 'data_manager');
export const readsServices = (user) => hasRole(user, 'social_worker', 'team_manager', 'massh_analyst');
export const isAnalyst = (user) => hasRole(user, 'massh_analyst', 'team_manager');

// The purposes a practitioner can pick; the server's list (GET /session) wins where it differs.
const FALLBACK_PURPOSES = {
  referral: 'Deciding what to do with a new referral',
  assessment: 'Child and family assessment',
  strategy_meeting: 'Preparing a strategy meeting or section 47 enquiry',
  allocated_case: 'Work on an allocated case',
  out_of_hours: 'Out of hours emergency',
  analysis: 'MASSH analysis for a multi-agency decision',
  data_quality: 'Checking or correcting the data',
};
const NOT_FOR_PEOPLE = new Set(['integration']);  // a partner system's reason, never a person's

export async function purposeChoices(user) {
  const session = await getSession();
  const all = (session && session.purposes) || FALLBACK_PURPOSES;
  const entries = Object.entries(all).filter(([code]) => !NOT_FOR_PEOPLE.has(code));
  // The likeliest reasons first for the role.
  const first = hasRole(user, 'data_manager') ? ['data_quality'] : hasRole(user, 'massh_analyst') ? ['analysis'] : [];
  return [...entries.filter(([c]) => first.includes(c)), ...entries.filter(([c]) => !first.includes(c))];
}

// Which people already have a purpose in this session. The server keeps the purpose itself (in the signed session
// cookie); the page keeps only the opaque person ids, in sessionStorage, so a refresh does not ask again. Nothing
// else is ever written to browser storage.
const KEY = 'fc.purposeGiven';
const given = new Set();
function load() {
  try {
    JSON.parse(window.sessionStorage.getItem(KEY) || '[]').forEach((id) => given.add(String(id)));
  } catch { /* storage unavailable: memory only */ }
}
load();

export const purposeGiven = (personId) => given.has(String(personId));

/** Record the purpose for a person. Resolves to null on success, else a message for the error summary. */
export async function givePurpose(personId, code) {
  let response;
  try {
    const { csrfToken } = await getSession();
    response = await fetch('/session/purpose', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRF-Token': csrfToken },
      body: JSON.stringify({ personId: String(personId), purpose: code }),
    });
  } catch {
    return 'Family Context cannot be reached. Check your connection and try again.';
  }
  if (response.status === 401) {
    await getSession({ refresh: true });
    return 'Your session has ended. Sign in again.';
  }
  if (!response.ok) return 'Your reason could not be recorded. Try again.';
  given.add(String(personId));
  try {
    window.sessionStorage.setItem(KEY, JSON.stringify([...given].slice(-40)));
  } catch { /* memory only */ }
  return null;
}

// The live permission matrix (GraphQL `permissionMatrix`, not audited: it carries no personal data) tells the page
// which parts of a person the signed-in role may read, so it asks only for those and says plainly what is withheld.
let matrixPromise = null;
export function permissionMatrix(graphql, query) {
  if (!matrixPromise) {
    matrixPromise = graphql(query, {}).then(({ data }) => (data && data.permissionMatrix) || null);
  }
  return matrixPromise;
}

/** Whether any of the user's roles may read Type.field (null matrix: assume yes, the server still decides). */
export function canRead(matrix, user, typeName, fieldName) {
  if (!matrix) return true;
  const row = matrix.find((r) => r.typeName === typeName && r.fieldName === fieldName);
  return !!row && row.roles.some((r) => (user.roles || []).includes(r));
}
