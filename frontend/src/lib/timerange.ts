// Time ranges of the filter bar: presets, and wall times in the chosen zone.
// Go takes RFC 3339 instants; the user reads and types wall times in the
// zone of the preferences (UTC, Local or an IANA name).

export type Preset =
  | 'all'
  | '24h'
  | '7d'
  | '30d'
  | '12m'
  | 'thisMonth'
  | 'lastMonth'
  | 'lastQuarter'
  | 'thisYear'
  | 'lastYear'
  | 'lastFiscalYear'
  | 'custom';

export const presets: readonly { value: Preset; label: string }[] = [
  { value: 'all', label: 'All time' },
  { value: '24h', label: 'Last 24 hours' },
  { value: '7d', label: 'Last 7 days' },
  { value: '30d', label: 'Last 30 days' },
  { value: '12m', label: 'Last 12 months' },
  { value: 'thisMonth', label: 'This month' },
  { value: 'lastMonth', label: 'Last month' },
  { value: 'lastQuarter', label: 'Last quarter' },
  { value: 'thisYear', label: 'This year' },
  { value: 'lastYear', label: 'Last year' },
  { value: 'lastFiscalYear', label: 'Last fiscal year (April to March)' },
  { value: 'custom', label: 'Custom range' },
];

/** calendar tells a preset of whole months in the zone (a from and a to), not a span ending now. */
export function calendar(p: Preset): boolean {
  return ['thisMonth', 'lastMonth', 'lastQuarter', 'thisYear', 'lastYear', 'lastFiscalYear'].includes(p);
}

/**
 * presetRange is a preset's range at now: a span ending now (presetFrom,
 * open to), or whole calendar months in zone, each end at a midnight
 * there (to not included), RFC 3339 in UTC; both "" for all time or custom.
 */
export function presetRange(p: Preset, now: Date | number, zone: string): { from: string; to: string } {
  if (!calendar(p)) return { from: presetFrom(p, now), to: '' };
  const t = partsIn(new Date(typeof now === 'number' ? now : now.getTime()), zone);
  // Months counted from year 0: month m of year y is y*12 + m-1.
  const at = t.y * 12 + t.mo - 1;
  const q = at - ((t.mo - 1) % 3);
  const fy = at - ((t.mo - 1 + 12 - 3) % 12); // the fiscal year's April
  const [a, b] = {
    thisMonth: [at, at + 1],
    lastMonth: [at - 1, at],
    lastQuarter: [q - 3, q],
    thisYear: [at - (t.mo - 1), at - (t.mo - 1) + 12],
    lastYear: [at - (t.mo - 1) - 12, at - (t.mo - 1)],
    lastFiscalYear: [fy - 12, fy],
  }[p as 'thisMonth'];
  const first = (m: number) => wallToInstant(`${Math.floor(m / 12)}-${pad((m % 12) + 1)}-01T00:00`, zone);
  return { from: first(a), to: first(b) };
}

const hour = 3600_000;

/** presetFrom is the start of a preset ending now, RFC 3339 in UTC; "" for all time or custom. */
export function presetFrom(p: Preset, now: Date | number): string {
  const t = new Date(typeof now === 'number' ? now : now.getTime());
  switch (p) {
    case '24h':
      return new Date(t.getTime() - 24 * hour).toISOString();
    case '7d':
      return new Date(t.getTime() - 7 * 24 * hour).toISOString();
    case '30d':
      return new Date(t.getTime() - 30 * 24 * hour).toISOString();
    case '12m':
      t.setUTCFullYear(t.getUTCFullYear() - 1);
      return t.toISOString();
    default:
      return '';
  }
}

interface Parts {
  y: number;
  mo: number;
  d: number;
  h: number;
  mi: number;
  s: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** partsIn is the wall time of instant t in zone (UTC, Local or IANA). */
function partsIn(t: Date, zone: string): Parts {
  if (zone === 'UTC' || zone === '') {
    return {
      y: t.getUTCFullYear(),
      mo: t.getUTCMonth() + 1,
      d: t.getUTCDate(),
      h: t.getUTCHours(),
      mi: t.getUTCMinutes(),
      s: t.getUTCSeconds(),
    };
  }
  if (zone === 'Local') {
    return {
      y: t.getFullYear(),
      mo: t.getMonth() + 1,
      d: t.getDate(),
      h: t.getHours(),
      mi: t.getMinutes(),
      s: t.getSeconds(),
    };
  }
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, f);
  }
  const get = (type: string) => Number(f.formatToParts(t).find((p) => p.type === type)?.value ?? 0);
  return { y: get('year'), mo: get('month'), d: get('day'), h: get('hour') % 24, mi: get('minute'), s: get('second') };
}

const pad = (n: number) => String(n).padStart(2, '0');

/** formatInstant shows an RFC 3339 instant as "YYYY-MM-DD HH:mm" in zone; "" for "". */
export function formatInstant(iso: string, zone: string, seconds = false): string {
  const t = new Date(iso);
  if (iso === '' || Number.isNaN(t.getTime())) return '';
  const p = partsIn(t, zone);
  const s = seconds ? `:${pad(p.s)}` : '';
  return `${p.y}-${pad(p.mo)}-${pad(p.d)} ${pad(p.h)}:${pad(p.mi)}${s}`;
}

/**
 * zoneName names a display zone as the table's header says it: UTC, an
 * IANA name, or for Local the one this computer is in (Local when it
 * cannot tell).
 */
export function zoneName(zone: string): string {
  if (zone === '' || zone === 'UTC') return 'UTC';
  if (zone !== 'Local') return zone;
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'Local';
}

/** toWall is an instant as the time range's inputs show it ("YYYY-MM-DD HH:mm") in zone. */
export function toWall(iso: string, zone: string): string {
  return formatInstant(iso, zone);
}

/**
 * wallToInstant reads a wall time in zone, "YYYY-MM-DD" (its midnight),
 * "YYYY-MM-DD HH:mm" or with seconds (a T for the space too), and gives
 * the instant, RFC 3339 in UTC; "" when it is not a time. For an IANA zone
 * the offset is found by guessing twice (enough across a DST change).
 */
export function wallToInstant(wall: string, zone: string): string {
  const m = /^(\d{4})-(\d\d)-(\d\d)(?:[T ](\d\d):(\d\d)(?::(\d\d))?)?$/.exec(wall.trim());
  if (!m) return '';
  const [y, mo, d, h, mi, s] = m.slice(1).map((v) => Number(v ?? 0));
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return '';
  const asUTC = Date.UTC(y, mo - 1, d, h, mi, s);
  if (zone === 'UTC' || zone === '') return new Date(asUTC).toISOString();
  if (zone === 'Local') return new Date(y, mo - 1, d, h, mi, s).toISOString();
  let t = asUTC;
  for (let k = 0; k < 2; k++) {
    const p = partsIn(new Date(t), zone);
    const shown = Date.UTC(p.y, p.mo - 1, p.d, p.h, p.mi, p.s);
    t += asUTC - shown;
  }
  return new Date(t).toISOString();
}

/** validZone tells whether the browser knows an IANA zone name (Go checks again). */
export function validZone(zone: string): boolean {
  if (zone === 'UTC' || zone === 'Local') return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** commonZones fill the time zone field's datalist. */
export const commonZones: readonly string[] = [
  'UTC',
  'Local',
  'Europe/London',
  'Europe/Paris',
  'Europe/Berlin',
  'America/New_York',
  'America/Chicago',
  'America/Denver',
  'America/Los_Angeles',
  'America/Sao_Paulo',
  'Asia/Tokyo',
  'Asia/Seoul',
  'Asia/Shanghai',
  'Asia/Singapore',
  'Asia/Kolkata',
  'Asia/Ho_Chi_Minh',
  'Australia/Sydney',
];
