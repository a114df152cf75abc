/**
 * Quiet hours on the recipient's real local clock (never scaled by RECOVERY_TIME_SCALE).
 *
 * Pure TypeScript over `Intl.DateTimeFormat`: no time-zone library. Wall-clock times are read
 * with `formatToParts`; turning a local wall time back into an instant tries the zone's offsets
 * around it, so DST days give the right instant (a window end that falls into a spring-forward
 * gap ends at the transition itself; one that occurs twice on a fall-back day ends at the first
 * occurrence that is not before the touch).
 */

/** Quiet from `start` (inclusive) to `end` (exclusive), local time; crosses midnight when start > end. */
export interface QuietWindow {
  start: string;
  end: string;
}

const MINUTES_PER_DAY = 24 * 60;
const MINUTE_MS = 60_000;
const DAY_MS = MINUTES_PER_DAY * MINUTE_MS;

/**
 * When the zone is unknown, the touch is judged against every whole-hour offset from UTC−10 to
 * UTC+14 (where nearly every shopper lives). That span is exactly 24 hours, so some offset is
 * always inside a non-empty window and "outside quiet hours everywhere" never happens; the rule
 * then falls back to the end of the window in UTC+14 (the same wall time as UTC−10, one day
 * behind), i.e. the first moment when quiet hours have ended at both edges of the inhabited world.
 */
export const UNKNOWN_ZONE_OFFSETS_MIN: ReadonlyArray<number> = Array.from({ length: 25 }, (_, i) => (i - 10) * 60);
const LAST_OFFSET_MIN = 14 * 60;

/** Zone unknown: how long after the window's end in UTC+14 a touch may still go out (real time). */
export const UNKNOWN_ZONE_SEND_SLOT_MS = 60 * 60_000;

/**
 * Common countries and the zone most of their shoppers live in (ISO 3166-1 alpha-2 → IANA).
 * Countries spanning several zones (US, CA, AU, BR, MX, RU, …) map to their most populous
 * zone: the event's own timezone should be sent for those; this is only the fallback.
 */
export const COUNTRY_ZONES: Readonly<Record<string, string>> = {
  FR: 'Europe/Paris',
  DE: 'Europe/Berlin',
  GB: 'Europe/London',
  IE: 'Europe/Dublin',
  ES: 'Europe/Madrid',
  PT: 'Europe/Lisbon',
  IT: 'Europe/Rome',
  NL: 'Europe/Amsterdam',
  BE: 'Europe/Brussels',
  LU: 'Europe/Luxembourg',
  CH: 'Europe/Zurich',
  AT: 'Europe/Vienna',
  DK: 'Europe/Copenhagen',
  SE: 'Europe/Stockholm',
  NO: 'Europe/Oslo',
  FI: 'Europe/Helsinki',
  PL: 'Europe/Warsaw',
  CZ: 'Europe/Prague',
  GR: 'Europe/Athens',
  RO: 'Europe/Bucharest',
  US: 'America/New_York',
  CA: 'America/Toronto',
  MX: 'America/Mexico_City',
  BR: 'America/Sao_Paulo',
  AR: 'America/Argentina/Buenos_Aires',
  AU: 'Australia/Sydney',
  NZ: 'Pacific/Auckland',
  JP: 'Asia/Tokyo',
  KR: 'Asia/Seoul',
  CN: 'Asia/Shanghai',
  IN: 'Asia/Kolkata',
  SG: 'Asia/Singapore',
  AE: 'Asia/Dubai',
  IL: 'Asia/Jerusalem',
  TR: 'Europe/Istanbul',
  ZA: 'Africa/Johannesburg',
};

/** A quiet window from `HH:MM-HH:MM`, or undefined for `off` (no quiet hours on that channel). */
export function parseQuietWindow(text: string): QuietWindow | undefined {
  const trimmed = text.trim().toLowerCase();
  if (trimmed === 'off' || trimmed === 'none' || trimmed === '') return undefined;
  const match = /^(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})$/.exec(trimmed);
  if (!match?.[1] || !match[2]) throw new RangeError(`not a quiet window: "${text}" (use e.g. 21:00-08:00 or off)`);
  const window = { start: match[1].padStart(5, '0'), end: match[2].padStart(5, '0') };
  minutesOf(window.start);
  minutesOf(window.end);
  return window;
}

function minutesOf(wall: string): number {
  const match = /^(\d{2}):(\d{2})$/.exec(wall);
  const h = Number(match?.[1]);
  const m = Number(match?.[2]);
  if (!match || h > 23 || m > 59) throw new RangeError(`not a wall time: "${wall}" (use HH:MM)`);
  return h * 60 + m;
}

/** True when the zone is a time zone this runtime knows. */
export function isKnownZone(zone: string | undefined): zone is string {
  if (!zone) return false;
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

/**
 * The zone quiet hours are judged in: the event's timezone, else the country's (COUNTRY_ZONES),
 * else the store's default; undefined when none is known (→ the most restrictive rule).
 */
export function resolveZone(
  recipient: { timezone?: string | undefined; country?: string | undefined },
  storeZone: string | undefined,
): string | undefined {
  if (isKnownZone(recipient.timezone)) return recipient.timezone;
  const byCountry = recipient.country ? COUNTRY_ZONES[recipient.country.toUpperCase()] : undefined;
  if (isKnownZone(byCountry)) return byCountry;
  if (isKnownZone(storeZone)) return storeZone;
  return undefined;
}

function inWindow(minuteOfDay: number, window: QuietWindow): boolean {
  const start = minutesOf(window.start);
  const end = minutesOf(window.end);
  if (start === end) return false;
  return start < end ? minuteOfDay >= start && minuteOfDay < end : minuteOfDay >= start || minuteOfDay < end;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** The local wall clock at `at`, expressed as if it were a UTC timestamp (ms, second precision). */
function wallClockMs(at: number, zone: string): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(zone).formatToParts(new Date(at))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const { year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0 } = parts;
  return Date.UTC(year, month - 1, day, hour, minute, second) + (((at % 1000) + 1000) % 1000);
}

/** UTC offset of the zone at `at`, in ms. */
function offsetMs(at: number, zone: string): number {
  return wallClockMs(at, zone) - at;
}

/**
 * The instants at which the zone's wall clock reads `wall` (a timestamp in "local as UTC" form):
 * usually one, two on a fall-back day, none in a spring-forward gap — then the transition
 * instant, the first moment whose wall clock is past `wall`.
 */
function instantsOfWall(wall: number, zone: string): number[] {
  const offsets = new Set([offsetMs(wall - DAY_MS, zone), offsetMs(wall, zone), offsetMs(wall + DAY_MS, zone)]);
  const matches = [...offsets].map((o) => wall - o).filter((i) => wallClockMs(i, zone) === wall);
  if (matches.length > 0) return [...new Set(matches)].sort((a, b) => a - b);
  // In a gap: binary search the first instant whose wall clock is at or past `wall`.
  let lo = wall - Math.max(...offsets);
  let hi = wall - Math.min(...offsets);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (wallClockMs(mid, zone) >= wall) hi = mid;
    else lo = mid;
  }
  return [hi];
}

function quietInZone(at: number, zone: string, window: QuietWindow): boolean {
  const wall = wallClockMs(at, zone);
  return inWindow(Math.floor((((wall % DAY_MS) + DAY_MS) % DAY_MS) / MINUTE_MS), window);
}

function quietAtOffset(at: number, offsetMin: number, window: QuietWindow): boolean {
  const local = at + offsetMin * MINUTE_MS;
  return inWindow(Math.floor((((local % DAY_MS) + DAY_MS) % DAY_MS) / MINUTE_MS), window);
}

/** True when `at` falls inside the window in this zone (or, zone unknown, in any offset of the span). */
export function isQuiet(at: Date, zone: string | undefined, window: QuietWindow | undefined): boolean {
  if (!window) return false;
  if (isKnownZone(zone)) return quietInZone(at.getTime(), zone, window);
  return UNKNOWN_ZONE_OFFSETS_MIN.some((o) => quietAtOffset(at.getTime(), o, window));
}

/** The first instant at or after `from` when a fixed offset's wall clock reads `minuteOfDay`. */
function nextAtOffset(from: number, offsetMin: number, minuteOfDay: number): number {
  const localFrom = from + offsetMin * MINUTE_MS;
  const dayStart = Math.floor(localFrom / DAY_MS) * DAY_MS;
  let local = dayStart + minuteOfDay * MINUTE_MS;
  if (local < localFrom) local += DAY_MS;
  return local - offsetMin * MINUTE_MS;
}

/**
 * The first moment at or after `at` when a touch may go out under this quiet window, on the
 * recipient's local clock. `window` undefined means no quiet hours (returns `at`).
 * Zone unknown (undefined or not a real zone): allowed when outside the window at every offset
 * in UNKNOWN_ZONE_OFFSETS_MIN. The span is a whole day wide, so for a non-empty window that
 * never happens; the reading then falls back to the window's end in UTC+14 (the last clock on
 * which it ends): a touch may go out within UNKNOWN_ZONE_SEND_SLOT_MS after that moment, and is
 * otherwise deferred to its next occurrence. The slot is what lets a touch deferred to that
 * moment actually go when the dispatcher picks it up a little later.
 */
export function nextAllowedSend(at: Date, zone: string | undefined, window: QuietWindow | undefined): Date {
  if (!window || minutesOf(window.start) === minutesOf(window.end)) return at;
  const t = at.getTime();
  const endMinute = minutesOf(window.end);
  if (!isKnownZone(zone)) {
    if (!isQuiet(at, undefined, window)) return at;
    // Candidates: each offset's next window end within a day; the first quiet nowhere wins.
    const candidates = UNKNOWN_ZONE_OFFSETS_MIN.map((o) => nextAtOffset(t, o, endMinute)).sort((a, b) => a - b);
    const everywhere = candidates.find((c) => UNKNOWN_ZONE_OFFSETS_MIN.every((o) => !quietAtOffset(c, o, window)));
    if (everywhere !== undefined) return new Date(everywhere);
    // The latest end in UTC+14 at or before `at` (one a day, so it lies within the last day).
    const lastEnd = nextAtOffset(t - DAY_MS + 1, LAST_OFFSET_MIN, endMinute);
    if (t - lastEnd < UNKNOWN_ZONE_SEND_SLOT_MS) return at;
    return new Date(nextAtOffset(t, LAST_OFFSET_MIN, endMinute));
  }
  if (!quietInZone(t, zone, window)) return at;
  // The window's end on the local day of `at` and the next two: the first one after `at` that
  // really is outside the window (fall-back days repeat an hour; gaps skip one).
  const wallNow = wallClockMs(t, zone);
  const localMidnight = Math.floor(wallNow / DAY_MS) * DAY_MS;
  for (let day = 0; day <= 2; day += 1) {
    const wallEnd = localMidnight + day * DAY_MS + endMinute * MINUTE_MS;
    for (const instant of instantsOfWall(wallEnd, zone)) {
      if (instant >= t && !quietInZone(instant, zone, window)) return new Date(instant);
    }
  }
  // Unreachable for real zones; stay safe by deferring a whole day.
  return new Date(t + DAY_MS);
}
