// spec.syncWindows, as ESO 2.9 applies them: `allow` lets a periodic refresh run only while a window is open,
// `deny` never while one is. A window opens at each firing of its cron schedule (UTC) and stays open for its
// duration, both ends included. A schedule that does not parse is ignored, as ESO ignores it (a typo must not
// freeze an ExternalSecret for good): under `allow` with no other window that means no periodic refresh.
//
// One deliberate difference: ESO asks only for the earliest firing in [t - duration - 1s, t], so where one
// schedule's windows overlap (hourly, open 90 minutes) it reports "closed" for about a second at each window's
// end. ESO re-checks at backoff-driven moments and rarely lands there; we requeue at exact window boundaries,
// would land there every time, and so treat a window as open when any firing in [t - duration, t] opened it.
// `@every D` has no fixed firings (robfig counts from "now"): ESO's check makes it open at every moment when
// 2s <= D <= duration + 1s and never otherwise (bar sub-second instants), and so do we.
import { parseDuration } from "../../api/duration.ts";
import { CronError, nextFiring, parseSchedule, SearchExhausted, type CronSchedule, type FieldSchedule, type SearchBudget } from "./cron-schedule.ts";

export interface SyncWindowsSpec {
  kind: "allow" | "deny";
  windows: { schedule: string; duration: string }[];
}

export interface ParsedWindow {
  schedule: CronSchedule;
  durationMs: number;
}

export interface IgnoredWindow {
  index: number;
  why: string;
}

/** Go's time.Duration cannot hold more (ESO could not even decode such an ExternalSecret). */
const GO_MAX_DURATION_MS = 9_223_372_036_854.775;
/** Windows we evaluate; the CRD allows as many (its maxItems). */
export const MAX_SYNC_WINDOWS = 100;
/** Boundaries the search for the next allowed moment crosses, and cron steps it takes in all, before it stops
 *  and says "look again then" (a minute later at the earliest). With the window count capped, one evaluation
 *  costs tens of milliseconds for the most contrived spec (100 windows that never fire over a century-long
 *  duration) and microseconds for real ones; it runs once per held reconcile, and those come at boundaries. */
const MAX_SEARCH_BOUNDARIES = 256;
const MAX_SEARCH_CRON_STEPS = 50_000;
const RECHECK_AFTER_STOP_MS = 60_000;

/** The windows that take part, and why the others do not (validate warns about those). */
export function parseWindows(spec: SyncWindowsSpec): { windows: ParsedWindow[]; ignored: IgnoredWindow[] } {
  const windows: ParsedWindow[] = [];
  const ignored: IgnoredWindow[] = [];
  for (const [index, w] of spec.windows.slice(0, MAX_SYNC_WINDOWS).entries()) {
    let durationMs: number;
    try {
      durationMs = parseDuration(w.duration);
    } catch {
      ignored.push({ index, why: `invalid duration ${JSON.stringify(w.duration)}` });
      continue;
    }
    if (durationMs > GO_MAX_DURATION_MS) {
      ignored.push({ index, why: `duration ${w.duration} is longer than Go's time.Duration can hold` });
      continue;
    }
    try {
      windows.push({ schedule: parseSchedule(w.schedule), durationMs });
    } catch (err) {
      if (!(err instanceof CronError)) throw err;
      ignored.push({ index, why: err.message });
    }
  }
  return { windows, ignored };
}

/** The firing that opened a window open at `atMs` (the earliest in [at - duration, at]); undefined when it is closed. */
function openedAt(schedule: FieldSchedule, durationMs: number, atMs: number, budget?: SearchBudget): number | undefined {
  return nextFiring(schedule, atMs - durationMs, atMs, budget);
}

/** Whether a window is open at `atMs`. */
export function windowOpen(w: ParsedWindow, atMs: number): boolean {
  if (w.schedule.kind === "every") return w.schedule.delayMs >= 2000 && w.schedule.delayMs <= w.durationMs + 1000;
  return openedAt(w.schedule, w.durationMs, atMs) !== undefined;
}

/** ESO's isPeriodicRefreshAllowedByWindows: `deny` blocks while any window is open, `allow` unless one is. */
export function refreshAllowed(kind: SyncWindowsSpec["kind"], windows: ParsedWindow[], atMs: number): boolean {
  const anyOpen = windows.some((w) => windowOpen(w, atMs));
  return kind === "allow" ? anyOpen : !anyOpen;
}

/**
 * When a refresh held back at `nowMs` may run: the first moment the windows allow it, or, when the search stops
 * after MAX_SEARCH_BOUNDARIES boundaries or MAX_SEARCH_CRON_STEPS steps, the moment it reached (the caller looks again then). Undefined: no such
 * moment within the schedules' horizon (an `allow` whose windows never open, a `deny` an `@every` keeps closed).
 */
export function nextAllowedAt(kind: SyncWindowsSpec["kind"], windows: ParsedWindow[], nowMs: number): number | undefined {
  const budget: SearchBudget = { steps: MAX_SEARCH_CRON_STEPS };
  let t = nowMs;
  try {
    if (kind === "allow") {
      // Closed now, so the next allowed moment is the next firing of any window: it opens then.
      const opens = windows.map((w) => (w.schedule.kind === "fields" ? nextFiring(w.schedule, nowMs + 1, Infinity, budget) : undefined)).filter((at) => at !== undefined);
      return opens.length > 0 ? Math.min(...opens) : undefined;
    }
    for (let boundary = 0; boundary < MAX_SEARCH_BOUNDARIES; boundary++) {
      let closesAfter = -Infinity;
      for (const w of windows) {
        if (w.schedule.kind === "every") {
          if (windowOpen(w, t)) return undefined; // open at every moment
          continue;
        }
        const opened = openedAt(w.schedule, w.durationMs, t, budget);
        // That firing's window covers [t, opened + duration]: nothing in between can be allowed.
        if (opened !== undefined) closesAfter = Math.max(closesAfter, opened + w.durationMs);
      }
      if (closesAfter === -Infinity) return t;
      t = Math.floor(closesAfter) + 1;
    }
  } catch (err) {
    if (!(err instanceof SearchExhausted)) throw err;
  }
  return Math.max(t, nowMs + RECHECK_AFTER_STOP_MS);
}
