// The cron schedules of spec.syncWindows, read as ESO 2.9 reads them: robfig/cron v3's parser with
// Minute|Hour|Dom|Month|Dow|Descriptor (five fields, or @yearly/@annually/@monthly/@weekly/@daily/@midnight/
// @hourly/@every <Go duration>), evaluated in UTC.
//
// Written by hand because the npm cron libraries (cron-parser, croner) read the same text differently from
// robfig: they accept 7 for Sunday, L/W/#, seconds or year fields, and they do not keep robfig's day rule (day
// of month and day of week are ORed unless either field starts with * or ?, and a stepped `*/2` does not count
// as *). robfig's error texts are kept: `validate` shows them. Bounded: the text is split once, each field
// expands to at most 60 flags, and nextFiring looks at most five years ahead (robfig's own horizon), skipping
// whole months, days and hours, so it takes a few thousand steps at worst.
import { parseGoDuration } from "../../template/go-duration.ts";

export interface FieldSchedule {
  kind: "fields";
  minutes: boolean[];
  hours: boolean[];
  dom: boolean[];
  months: boolean[];
  dow: boolean[];
  /** The day-of-month or day-of-week field was `*`/`?` (unstepped): then both must match, else either. */
  domStar: boolean;
  dowStar: boolean;
}

/** `@every D`: robfig's ConstantDelaySchedule (D rounded down to whole seconds, at least one second). */
export interface EverySchedule {
  kind: "every";
  delayMs: number;
}

export type CronSchedule = FieldSchedule | EverySchedule;

export class CronError extends Error {}

interface Bounds {
  min: number;
  max: number;
  names?: Record<string, number>;
}

const MONTH_NAMES = Object.fromEntries(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"].map((n, i) => [n, i + 1]));
const DOW_NAMES = Object.fromEntries(["sun", "mon", "tue", "wed", "thu", "fri", "sat"].map((n, i) => [n, i]));
const MINUTES: Bounds = { min: 0, max: 59 };
const HOURS: Bounds = { min: 0, max: 23 };
const DOM: Bounds = { min: 1, max: 31 };
const MONTHS: Bounds = { min: 1, max: 12, names: MONTH_NAMES };
const DOW: Bounds = { min: 0, max: 6, names: DOW_NAMES };

// Go's strings.Fields splits on unicode.IsSpace (which, unlike JS's \s, has U+0085 and not U+FEFF).
const GO_SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;
const INT64_MAX = 2n ** 63n - 1n;

/** Go's strconv.Atoi, then robfig's "negative number" check. */
function parseUint(expr: string): number {
  const fail = (why: string) => new CronError(`failed to parse int from ${expr}: strconv.Atoi: parsing ${JSON.stringify(expr)}: ${why}`);
  if (!/^[+-]?[0-9]+$/.test(expr)) throw fail("invalid syntax");
  const n = BigInt(expr);
  if (n > INT64_MAX || n < -INT64_MAX - 1n) throw fail("value out of range");
  if (n < 0n) throw new CronError(`negative number (${n}) not allowed: ${expr}`);
  return Number(n); // anything above 63 fails the range checks that follow
}

function parseIntOrName(expr: string, bounds: Bounds): number {
  const name = expr.toLowerCase();
  // Own keys only: "constructor" is not a month.
  return bounds.names && Object.hasOwn(bounds.names, name) ? bounds.names[name]! : parseUint(expr);
}

/** One comma-separated part: `*`, `?`, `N`, `N-M`, each optionally `/step` (robfig's getRange). */
function parseRange(expr: string, bounds: Bounds, flags: boolean[]): boolean {
  const rangeAndStep = expr.split("/");
  const lowAndHigh = rangeAndStep[0]!.split("-");
  let start: number;
  let end: number;
  let star = false;
  if (lowAndHigh[0] === "*" || lowAndHigh[0] === "?") {
    // robfig ignores anything after "*-" here.
    [start, end, star] = [bounds.min, bounds.max, true];
  } else {
    start = parseIntOrName(lowAndHigh[0]!, bounds);
    if (lowAndHigh.length === 1) end = start;
    else if (lowAndHigh.length === 2) end = parseIntOrName(lowAndHigh[1]!, bounds);
    else throw new CronError(`too many hyphens: ${expr}`);
  }
  let step = 1;
  if (rangeAndStep.length === 2) {
    step = parseUint(rangeAndStep[1]!);
    if (lowAndHigh.length === 1) end = bounds.max; // "N/step" means "N-max/step"
    if (step > 1) star = false;
  } else if (rangeAndStep.length > 2) throw new CronError(`too many slashes: ${expr}`);
  if (start < bounds.min) throw new CronError(`beginning of range (${start}) below minimum (${bounds.min}): ${expr}`);
  if (end > bounds.max) throw new CronError(`end of range (${end}) above maximum (${bounds.max}): ${expr}`);
  if (start > end) throw new CronError(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  if (step === 0) throw new CronError(`step of range should be a positive number: ${expr}`);
  for (let i = start; i <= end; i += step) flags[i] = true;
  return star;
}

function parseField(field: string, bounds: Bounds): { flags: boolean[]; star: boolean } {
  const flags: boolean[] = new Array<boolean>(bounds.max + 1).fill(false);
  let star = false;
  for (const expr of field.split(",").filter((part) => part !== "")) star = parseRange(expr, bounds, flags) || star;
  return { flags, star };
}

const all = (bounds: Bounds) => new Array<boolean>(bounds.max + 1).fill(false).map((_, i) => i >= bounds.min);
const only = (bounds: Bounds, value: number) => new Array<boolean>(bounds.max + 1).fill(false).map((_, i) => i === value);

function descriptor(spec: string): CronSchedule {
  const at = (months: boolean[], dom: boolean[], dow: boolean[], hours = only(HOURS, 0), domStar = false, dowStar = true): FieldSchedule => ({ kind: "fields", minutes: only(MINUTES, 0), hours, dom, months, dow, domStar, dowStar });
  switch (spec) {
    case "@yearly":
    case "@annually":
      return at(only(MONTHS, 1), only(DOM, 1), all(DOW));
    case "@monthly":
      return at(all(MONTHS), only(DOM, 1), all(DOW));
    case "@weekly":
      return at(all(MONTHS), all(DOM), only(DOW, 0), undefined, true, false);
    case "@daily":
    case "@midnight":
      return at(all(MONTHS), all(DOM), all(DOW), undefined, true, true);
    case "@hourly":
      return at(all(MONTHS), all(DOM), all(DOW), all(HOURS), true, true);
  }
  if (spec.startsWith("@every ")) {
    const parsed = parseGoDuration(Buffer.from(spec.slice("@every ".length), "utf8").toString("latin1"));
    if ("error" in parsed) throw new CronError(`failed to parse duration ${spec}: ${parsed.error}`);
    const ns = parsed.ns < 1_000_000_000n ? 1_000_000_000n : parsed.ns;
    return { kind: "every", delayMs: Number(ns / 1_000_000_000n) * 1000 };
  }
  throw new CronError(`unrecognized descriptor: ${spec}`);
}

/** A schedule as robfig's standard parser reads it; throws CronError with robfig's message. */
export function parseSchedule(spec: string): CronSchedule {
  if (spec.length === 0) throw new CronError("empty spec string");
  // robfig loads a TZ=/CRON_TZ= zone here; ESO's CRD pattern leaves no room for one, and windows are UTC.
  if (spec.startsWith("TZ=") || spec.startsWith("CRON_TZ=")) throw new CronError("time zone prefixes are not supported: sync windows are evaluated in UTC");
  if (spec.startsWith("@")) return descriptor(spec);
  const fields = spec.split(GO_SPACE).filter((f) => f !== "");
  if (fields.length !== 5) throw new CronError(`expected exactly 5 fields, found ${fields.length}: [${fields.join(" ")}]`);
  const [minutes, hours, dom, months, dow] = [parseField(fields[0]!, MINUTES), parseField(fields[1]!, HOURS), parseField(fields[2]!, DOM), parseField(fields[3]!, MONTHS), parseField(fields[4]!, DOW)];
  return { kind: "fields", minutes: minutes.flags, hours: hours.flags, dom: dom.flags, months: months.flags, dow: dow.flags, domStar: dom.star, dowStar: dow.star };
}

function dayMatches(s: FieldSchedule, d: Date): boolean {
  const domMatch = s.dom[d.getUTCDate()] === true;
  const dowMatch = s.dow[d.getUTCDay()] === true;
  return s.domStar || s.dowStar ? domMatch && dowMatch : domMatch || dowMatch;
}

/** How far ahead nextFiring looks: robfig gives up after the fifth year following the start's. */
const HORIZON_YEARS = 5;

/** Steps a caller lets a series of nextFiring calls take; past it they throw SearchExhausted. */
export interface SearchBudget {
  steps: number;
}
export class SearchExhausted extends Error {}

/**
 * The first firing of a field schedule at or after `fromMs` (whole minutes, UTC), or undefined when there is
 * none within robfig's horizon (a schedule that never fires, such as February 30th, or a field with no values)
 * or none up to `untilMs`.
 */
export function nextFiring(s: FieldSchedule, fromMs: number, untilMs = Infinity, budget: SearchBudget = { steps: Infinity }): number | undefined {
  // A field with no values (robfig reads "," as none) never matches: stop here instead of scanning five years.
  // Days are the exception: without a star, an empty day-of-month still lets day-of-week match, and vice versa.
  const any = (flags: boolean[]) => flags.includes(true);
  const days = s.domStar || s.dowStar ? any(s.dom) && any(s.dow) : any(s.dom) || any(s.dow);
  if (!days || !any(s.minutes) || !any(s.hours) || !any(s.months)) return undefined;
  let t = Math.ceil(fromMs / 60_000) * 60_000;
  const yearLimit = new Date(t).getUTCFullYear() + HORIZON_YEARS;
  for (;;) {
    if (t > untilMs) return undefined;
    if (--budget.steps < 0) throw new SearchExhausted("cron search budget exhausted");
    const d = new Date(t);
    const [year, month, day, hour] = [d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours()];
    if (year > yearLimit) return undefined;
    if (!s.months[month + 1]) t = Date.UTC(year, month + 1, 1);
    else if (!dayMatches(s, d)) t = Date.UTC(year, month, day + 1);
    else if (!s.hours[hour]) t = Date.UTC(year, month, day, hour + 1);
    else if (!s.minutes[d.getUTCMinutes()]) t += 60_000;
    else return t;
  }
}
