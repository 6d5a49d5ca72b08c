// POST /graphql with {query, variables}. Resolves to {data, errors}; never throws, never logs (responses hold
// personal data). Network and HTTP failures become an error the page can show in its error summary.

// Sign-in (docs/security.md): the page is only served to a signed-in browser. GET /session gives the CSRF token
// that every POST must carry in X-CSRF-Token; it is kept in memory only. A 401 means the session has ended.
let session = null;

export async function getSession({ refresh = false } = {}) {
  if (session && !refresh) return session;
  const response = await fetch('/session', { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  if (response.status === 401) {
    window.location.assign(`/login?next=${encodeURIComponent(window.location.pathname + window.location.hash)}`);
    return new Promise(() => {});  // the page is leaving
  }
  session = await response.json();
  return session;
}

export async function graphql(query, variables = {}, { signal } = {}) {
  let response;
  try {
    const { csrfToken } = await getSession();
    response = await fetch('/graphql', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRF-Token': csrfToken },
      credentials: 'same-origin',
      body: JSON.stringify({ query, variables }),
      signal,
    });
  } catch (error) {
    if (error && error.name === 'AbortError') return { aborted: true, data: null, errors: [] };
    return { data: null, errors: [{ message: 'Family Context cannot be reached. Check your connection and try again.' }] };
  }
  if (response.status === 401) {
    session = null;
    await getSession();
  }
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (body && (body.data !== undefined || body.errors)) {
    return { data: body.data ?? null, errors: body.errors ?? [] };
  }
  const message = response.status >= 500
    ? 'Family Context is not available at the moment. Try again later.'
    : `Family Context could not answer (error ${response.status}). Try again later.`;
  return { data: null, errors: [{ message }] };
}

export const SEARCH_PEOPLE = `
query SearchPeople($name: String, $dob: String, $caseId: String, $first: Int, $after: String) {
  searchPeople(name: $name, dob: $dob, caseId: $caseId, first: $first, after: $after) {
    edges { node { id displayName dob age gender caseIds currentAddress sources } }
    pageInfo { hasNextPage endCursor }
  }
}`;

export const PERSON = `
query Person($id: ID!) {
  person(id: $id) {
    id displayName firstName lastName dob age gender caseIds
    currentAddress { id line postcode mostRecent sources }
    addresses { id line postcode mostRecent sources }
    services {
      key name system status summary correctAsOf coverageFrom coverageTo
      involvements {
        kind status startDate endDate lastContact
        details { label value }
        leadPractitioner { name role team phone email }
      }
    }
    relationships { type source person { id displayName dob age gender caseIds currentAddress sources } }
    contactNumbers { number type source updatedAt }
    records {
      source system recordId matchProbability correctAsOf
      linkReasons {
        otherSource otherRecordId method summary joined matchProbability matchWeight
        comparisons { comparison level matchWeight effect }
      }
    }
  }
}`;
