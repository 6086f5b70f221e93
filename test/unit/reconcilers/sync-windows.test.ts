// spec.syncWindows: when a window is open (ESO's syncwindow_test.go cases), allow vs deny, the next moment a
// held refresh may run (across midnight and month ends), and which refresh decisions the windows hold back.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { nextAllowedAt, parseWindows, refreshAllowed, windowOpen, type SyncWindowsSpec } from "../../../src/reconcilers/external-secret/sync-windows.ts";
import { refreshDecision, type RefreshInput } from "../../../src/reconcilers/external-secret/refresh.ts";
import { MAX_HOLD_MS } from "../../../src/reconcilers/external-secret/sync-window-gate.ts";

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | undefined) => (ms === undefined ? "never" : new Date(ms).toISOString());
const windows = (...w: [string, string][]) => parseWindows({ kind: "deny", windows: w.map(([schedule, duration]) => ({ schedule, duration })) }).windows;

describe("windowOpen (ESO's TestIsWithinSyncWindow: 22:00 UTC for 2h)", () => {
  const [w] = windows(["0 22 * * *", "2h"]);
  const table = [
    { name: "at window open (inclusive)", at: "2026-06-01T22:00:00.000Z", want: true },
    { name: "inside window", at: "2026-06-01T22:30:00.000Z", want: true },
    { name: "at window close (inclusive), past midnight", at: "2026-06-02T00:00:00.000Z", want: true },
    { name: "a millisecond past close", at: "2026-06-02T00:00:00.001Z", want: false },
    { name: "one second past window close", at: "2026-06-02T00:00:01.000Z", want: false },
    { name: "one hour before window opens", at: "2026-06-01T21:00:00.000Z", want: false },
    { name: "between two occurrences", at: "2026-06-02T03:00:00.000Z", want: false },
    { name: "inside the second occurrence", at: "2026-06-02T22:30:00.000Z", want: true },
  ];
  for (const c of table) it(c.name, () => assert.equal(windowOpen(w!, at(c.at)), c.want));

  it("a month-end window stays open into the next month", () => {
    const [monthEnd] = windows(["0 20 31 * *", "6h"]);
    assert.equal(windowOpen(monthEnd!, at("2026-08-01T01:59:00Z")), true);
    assert.equal(windowOpen(monthEnd!, at("2026-07-01T01:59:00Z")), false, "June has no 31st");
  });
  it("overlapping firings of one schedule keep it open (no one-second seam at each close)", () => {
    const [hourly] = windows(["0 * * * *", "90m"]);
    for (const t of ["2026-06-01T01:30:00.500Z", "2026-06-01T01:30:01.000Z", "2026-06-01T02:59:59.999Z"]) assert.equal(windowOpen(hourly!, at(t)), true, t);
  });
  it("@every D is open at every moment when 2s <= D <= duration + 1s, else never", () => {
    const t = at("2026-06-01T10:00:00.250Z");
    assert.equal(windowOpen(windows(["@every 1h", "1h"])[0]!, t), true);
    assert.equal(windowOpen(windows(["@every 2h", "1h"])[0]!, t), false);
    assert.equal(windowOpen(windows(["@every 1s", "1h"])[0]!, t), false);
  });
});

describe("refreshAllowed (ESO's TestIsPeriodicRefreshAllowedByWindows)", () => {
  const inWindow = at("2026-06-01T23:00:00Z");
  const outWindow = at("2026-06-01T20:00:00Z");
  const valid = { schedule: "0 22 * * *", duration: "2h" };
  const invalid = { schedule: "not-a-cron", duration: "2h" };
  const allowed = (kind: SyncWindowsSpec["kind"], list: SyncWindowsSpec["windows"], when: number) => refreshAllowed(kind, parseWindows({ kind, windows: list }).windows, when);
  const table = [
    { name: "allow: inside a window permits", kind: "allow" as const, list: [valid], at: inWindow, want: true },
    { name: "allow: outside blocks", kind: "allow" as const, list: [valid], at: outWindow, want: false },
    { name: "deny: inside blocks", kind: "deny" as const, list: [valid], at: inWindow, want: false },
    { name: "deny: outside permits", kind: "deny" as const, list: [valid], at: outWindow, want: true },
    { name: "allow: only an invalid schedule blocks (no window is open)", kind: "allow" as const, list: [invalid], at: inWindow, want: false },
    { name: "deny: only an invalid schedule permits", kind: "deny" as const, list: [invalid], at: inWindow, want: true },
    { name: "allow: an invalid and an open window permit", kind: "allow" as const, list: [invalid, valid], at: inWindow, want: true },
  ];
  for (const c of table) it(c.name, () => assert.equal(allowed(c.kind, c.list, c.at), c.want));

  it("reports what it ignores, and reads at most 100 windows", () => {
    const { windows: parsed, ignored } = parseWindows({ kind: "deny", windows: [invalid, valid, { schedule: "@daily", duration: "9999999999h" }] });
    assert.equal(parsed.length, 1);
    assert.deepEqual(ignored.map((i) => i.index), [0, 2]);
    assert.equal(ignored[0]!.why, "expected exactly 5 fields, found 1: [not-a-cron]");
    assert.equal(parseWindows({ kind: "deny", windows: Array.from({ length: 150 }, () => valid) }).windows.length, 100);
  });
});

describe("nextAllowedAt", () => {
  const table = [
    { name: "deny: the window's close, past midnight", kind: "deny" as const, w: [["0 22 * * *", "2h"]], now: "2026-06-01T23:00:00Z", want: "2026-06-02T00:00:00.001Z" },
    { name: "deny: two overlapping windows: the later close", kind: "deny" as const, w: [["0 22 * * *", "2h"], ["30 23 * * *", "1h"]], now: "2026-06-01T23:45:00Z", want: "2026-06-02T00:30:00.001Z" },
    { name: "deny: chained windows (one opens as the other closes)", kind: "deny" as const, w: [["0 22 * * *", "2h"], ["0 0 * * *", "1h"]], now: "2026-06-01T23:00:00Z", want: "2026-06-02T01:00:00.001Z" },
    { name: "deny: self-overlapping hourly windows open 90m: never closes, the search stops and looks again later", kind: "deny" as const, w: [["0 * * * *", "90m"]], now: "2026-06-01T23:00:00Z", want: "2026-06-02T00:00:00.000Z", atLeast: true },
    { name: "deny: an @every that is always open: never", kind: "deny" as const, w: [["@every 1h", "2h"]], now: "2026-06-01T23:00:00Z", want: "never" },
    { name: "allow: the next opening across a month end", kind: "allow" as const, w: [["0 1 1 * *", "1h"]], now: "2026-06-30T23:00:00Z", want: "2026-07-01T01:00:00.000Z" },
    { name: "allow: the earliest of several", kind: "allow" as const, w: [["0 1 1 * *", "1h"], ["0 22 * * 1-5", "1h"]], now: "2026-06-05T23:00:00Z", want: "2026-06-08T22:00:00.000Z" },
    { name: "allow: a window that never opens", kind: "allow" as const, w: [["0 0 30 2 *", "1h"]], now: "2026-06-05T23:00:00Z", want: "never" },
  ];
  for (const c of table) {
    it(c.name, () => {
      const parsed = parseWindows({ kind: c.kind, windows: c.w.map(([schedule, duration]) => ({ schedule: schedule!, duration: duration! })) }).windows;
      const got = nextAllowedAt(c.kind, parsed, at(c.now));
      if (c.atLeast) assert.ok(got !== undefined && got >= at(c.want), iso(got));
      else assert.equal(iso(got), c.want === "never" ? "never" : new Date(at(c.want)).toISOString());
      if (got !== undefined && !c.atLeast) assert.equal(refreshAllowed(c.kind, parsed, got), true, "allowed at the moment returned");
    });
  }
});

describe("refreshDecision with syncWindows", () => {
  const HOUR = 3_600_000;
  const deny: SyncWindowsSpec = { kind: "deny", windows: [{ schedule: "0 22 * * *", duration: "2h" }] };
  const now = at("2026-06-01T23:00:00Z");
  const base: RefreshInput = {
    policy: "Periodic",
    intervalMs: HOUR,
    currentVersion: "1-a",
    syncedVersion: "1-a",
    refreshTimeMs: now - 2 * HOUR,
    lastSyncOk: true,
    secretCurrent: true,
    lastCheckedMs: now - 2 * HOUR,
    phaseMs: 0,
    nowMs: now,
    syncWindows: deny,
  };
  const table: { name: string; given: Partial<RefreshInput>; want: { sync: boolean; why: string; requeueAfterMs?: number } }[] = [
    { name: "a due refresh waits for the deny window's close", given: {}, want: { sync: false, why: "window-closed", requeueAfterMs: HOUR + 1 } },
    { name: "outside the window it runs", given: { nowMs: at("2026-06-01T21:00:00Z"), lastCheckedMs: at("2026-06-01T19:30:00Z") }, want: { sync: true, why: "due" } },
    { name: "a new ExternalSecret syncs", given: { syncedVersion: undefined }, want: { sync: true, why: "new" } },
    { name: "a spec or metadata change (force-sync) syncs", given: { currentVersion: "2-a" }, want: { sync: true, why: "changed" } },
    { name: "a missing or altered Secret is repaired", given: { secretCurrent: false }, want: { sync: true, why: "secret-drift" } },
    { name: "a first sync that never succeeded runs", given: { lastSyncOk: false, refreshTimeMs: undefined }, want: { sync: true, why: "not-synced" } },
    { name: "a failed periodic refresh's retry waits", given: { lastSyncOk: false }, want: { sync: false, why: "window-closed", requeueAfterMs: HOUR + 1 } },
    { name: "a store change waits", given: { storeChanged: true }, want: { sync: false, why: "window-closed", requeueAfterMs: HOUR + 1 } },
    { name: "OnChange ignores windows", given: { policy: "OnChange", currentVersion: "2-a" }, want: { sync: true, why: "changed" } },
    { name: "not due: the ordinary requeue", given: { lastCheckedMs: now - 1000, phaseMs: HOUR / 2 }, want: { sync: false, why: "not-due", requeueAfterMs: HOUR / 2 } },
    { name: "allow with a window that never opens: held, looked at again within a day", given: { syncWindows: { kind: "allow", windows: [{ schedule: "0 0 30 2 *", duration: "1h" }] } }, want: { sync: false, why: "window-closed", requeueAfterMs: MAX_HOLD_MS } },
    { name: "allow: held until the window opens", given: { syncWindows: { kind: "allow", windows: [{ schedule: "0 2 * * *", duration: "1h" }] } }, want: { sync: false, why: "window-closed", requeueAfterMs: 3 * HOUR } },
    { name: "an unparseable deny window is ignored", given: { syncWindows: { kind: "deny", windows: [{ schedule: "61 * * * *", duration: "1h" }] } }, want: { sync: true, why: "due" } },
  ];
  for (const c of table) it(c.name, () => assert.deepEqual(refreshDecision({ ...base, ...c.given }), c.want));
});
