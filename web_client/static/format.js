// Display formats: dates as "3 February 2014"; absent values as an explicit phrase, never a blank.

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September',
  'October', 'November', 'December'];

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})/;

/** "2014-02-03" or "2014-02-03T10:00:00Z" -> "3 February 2014"; anything else is shown as it came. */
export function formatDate(value) {
  if (!value) return '';
  const m = ISO_DATE.exec(String(value));
  if (!m) return String(value);
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1 || day > 31) return String(value);
  return `${day} ${MONTHS[month - 1]} ${year}`;
}

/** A date, or the given phrase when there is none. */
export const dateOr = (value, missing = 'Not recorded') => formatDate(value) || missing;

export const valueOr = (value, missing = 'Not recorded') =>
  (value === null || value === undefined || String(value).trim() === '' ? missing : String(value));

export const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;

/** Source system keys as people say them. Unknown keys are shown as they came. */
const SOURCE_NAMES = {
  lcs: "Children's social care (LCS)",
  las: 'Adult social care (LAS)',
  synergy: 'Education (Synergy)',
  housing_tenancy: 'Housing (Stockport Homes)',
  housing_asb: 'Anti-social behaviour (Stockport Homes)',
  yos: 'Youth justice (YOS)',
  probation: 'Probation',
  health: 'Health',
};

export const sourceName = (key) => SOURCE_NAMES[String(key).toLowerCase()] || String(key);

/** Lowest number first; nulls last. For "most recent first" pass descending = true. */
export function byDate(get, descending = false) {
  return (a, b) => {
    const x = get(a) || '';
    const y = get(b) || '';
    if (x === y) return 0;
    if (!x) return 1;
    if (!y) return -1;
    return (x < y ? -1 : 1) * (descending ? -1 : 1);
  };
}

/** "mobile" -> "Mobile": source systems differ in case. */
export const capitalise = (value) => (value ? String(value).charAt(0).toUpperCase() + String(value).slice(1) : value);
