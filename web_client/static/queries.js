// The GraphQL documents the pages beyond search and the person summary send. Each is a plain template literal
// with no interpolation: the server allow-lists the web client's documents by hashing these texts
// (schema/security.py `web_client_documents`), so a document must never be assembled at run time.

export const PERSON_RECORDS = `
query PersonRecords($id: ID!) {
  person(id: $id) {
    id
    records {
      source system recordId matchProbability correctAsOf
      linkReasons {
        otherSource otherRecordId method summary joined matchProbability matchWeight
        comparisons { comparison level matchWeight effect }
      }
    }
  }
}`;

// For roles that may identify a person but not read their services, family or numbers (data managers).
export const PERSON_IDENTITY = `
query PersonIdentity($id: ID!) {
  person(id: $id) {
    id displayName firstName lastName dob age gender caseIds
    currentAddress { id line postcode mostRecent sources }
    addresses { id line postcode mostRecent sources }
  }
}`;

// The family and household one step out, with each relative's own services (for the family table's flags).
export const FAMILY_NETWORK = `
query FamilyAround($id: ID!) {
  network(personId: $id, depth: 1, links: [FAMILY, HOUSEHOLD]) {
    nodes { id kind label age services }
    edges { source target type kind }
    truncated
  }
}`;

export const TEAM_AROUND_CHILD = `
query TeamAroundChild($id: ID!) {
  person(id: $id) { id displayName dob age caseIds }
  teamAroundChild(personId: $id) {
    practitioner { name role team phone email }
    reasons { relationship service involvement person { id displayName age } }
  }
}`;

export const NETWORK = `
query FamilyNetwork($id: ID!, $depth: Int!, $links: [NetworkLink!]) {
  person(id: $id) { id displayName }
  network(personId: $id, depth: $depth, links: $links) {
    nodes { id kind label age services }
    edges { source target type kind }
    truncated
  }
}`;

export const FIND_PEOPLE = `
query FindPeople($name: String, $dob: String, $caseId: String, $first: Int) {
  searchPeople(name: $name, dob: $dob, caseId: $caseId, first: $first) {
    edges { node { id displayName dob age caseIds currentAddress sources } }
  }
}`;

export const ANALYST_PERSON = `
query AnalystPerson($id: ID!) {
  person(id: $id) { id displayName dob age caseIds addresses { id line postcode mostRecent sources } }
}`;

export const PEOPLE_OF_CONCERN = `
query PeopleOfConcern($id: ID!, $depth: Int!, $types: [ConcernType!], $minAge: Int!) {
  peopleOfConcern(personId: $id, depth: $depth, types: $types, minAge: $minAge, first: 100) {
    pageInfo { hasNextPage }
    edges { node { steps involvements person { id displayName age dob currentAddress } } }
  }
}`;

export const PEOPLE_AT_ADDRESS = `
query PeopleAtAddress($addressId: ID!, $after: String) {
  peopleAtAddress(addressId: $addressId, first: 100, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { livesThereNow recordedBy lastSeen person { id displayName age dob } } }
  }
}`;

export const SHARED_ADDRESSES = `
query SharedAddresses($id: ID!) {
  sharedAddresses(personId: $id, first: 100) {
    pageInfo { hasNextPage }
    edges { node { addressId line postcode people { id displayName age } } }
  }
}`;

export const PATHS = `
query Paths($fromId: ID!, $toId: ID!, $maxHops: Int!) {
  paths(fromId: $fromId, toId: $toId, maxHops: $maxHops) {
    nodes { id kind label age services }
    edges { source target type kind }
  }
}`;

export const ME = `
query Me {
  me { name roles team }
}`;

export const PERMISSION_MATRIX = `
query PermissionMatrix {
  permissionMatrix { typeName fieldName roles scopes purpose personalData condition }
}`;

export const AUDIT_EVENTS = `
query AuditEvents($since: Date, $until: Date, $actor: String, $personId: ID, $event: String, $requestId: String, $after: Int) {
  auditEvents(since: $since, until: $until, actor: $actor, personId: $personId, event: $event, requestId: $requestId, first: 50, after: $after) {
    events { seq at requestId event outcome actor actorName roles clientId team via purpose whom fields operation }
    nextAfter
  }
}`;

export const SOURCES = `
query Sources {
  sources { source system lastSynchronised extractedAt coverageFrom coverageTo rowsIn rowsLoaded rowsQuarantined }
}`;

// "Report a problem with this information" and the data manager's queue (docs/operations.md).
export const REPORT_FORM = `
query ReportForm($id: ID!) {
  person(id: $id) { id displayName records { source system } }
  problemCategories { code label }
}`;

export const REPORT_PROBLEM = `
mutation ReportProblem($personId: ID!, $source: String!, $category: String!, $note: String) {
  reportProblem(personId: $personId, sourceName: $source, category: $category, note: $note) {
    id status reportedAt categoryLabel
  }
}`;

export const MY_REPORTS = `
query MyReports {
  myProblemReports { id personId source categoryLabel status reportedAt outcomeLabel resolvedAt }
}`;

export const PROBLEM_QUEUE = `
query ProblemQueue($status: ProblemStatus) {
  problemReportQueue(status: $status, first: 50) {
    id personId source category categoryLabel status reportedAt reporterName reporterTeam note
    outcome outcomeLabel resolvedAt resolvedByName resolutionNote
  }
  problemOutcomes { code label }
}`;

export const TAKE_PROBLEM = `
mutation TakeProblem($id: ID!) { takeProblemReport(id: $id) { id status } }`;

export const RESOLVE_PROBLEM = `
mutation ResolveProblem($id: ID!, $outcome: String!, $note: String, $records: LinkDecisionInput) {
  resolveProblemReport(id: $id, outcome: $outcome, note: $note, records: $records) { id status outcomeLabel }
}`;

// Usage figures from the audit store (counts only; team managers get their own team).
export const USAGE_REPORT = `
query UsageReport($since: Date!, $until: Date!, $team: String) {
  usageReport(since: $since, until: $until, team: $team) {
    since until team csvUrl
    totals { signIns searches peopleViewed distinctPeople activeUsers }
    byDay { key signIns searches peopleViewed distinctPeople activeUsers }
    byTeam { key signIns searches peopleViewed distinctPeople activeUsers }
    byUser { key name team signIns searches peopleViewed distinctPeople }
  }
}`;

// The data manager's match review queue: record keys, probabilities and comparison levels, never names or dates.
export const MATCH_REVIEW_QUEUE = `
query MatchReviewQueue($status: MatchReviewStatus!, $first: Int!, $after: Int!) {
  matchReviewQueue(status: $status, first: $first, after: $after) {
    total pending nextAfter runAt bandLow bandHigh
    pairs {
      id reason reasonLabel matchProbability matchWeight linkedNow
      recordA { source recordId personId }
      recordB { source recordId personId }
      comparisons { comparison level matchWeight effect }
      decision { decision decidedAt decidedBy }
    }
  }
}`;

export const DECIDE_MATCH = `
mutation DecideMatch($recordA: String!, $recordB: String!, $decision: MatchVerdict!) {
  decideMatch(recordA: $recordA, recordB: $recordB, decision: $decision) {
    id decision { decision decidedAt decidedBy }
  }
}`;
