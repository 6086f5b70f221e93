// --min-refresh-interval: ExternalSecret and store intervals under the floor, what providers receive, the Ready
// message note, and one log line per object generation.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import pino from "pino";
import { Writable } from "node:stream";
import { parseDuration } from "../../../src/api/duration.ts";
import { flooredStoreInterval, refreshFloor, storeRefreshFloor } from "../../../src/api/refresh-floor.ts";
import { FloorLog, floorNote } from "../../../src/reconcilers/refresh-floor.ts";

describe("refreshFloor (ExternalSecret refreshInterval)", () => {
  const table = [
    { name: "1ms is raised to the floor", given: { interval: "1ms", floor: "10s" }, want: { ms: 10_000, raised: true } },
    { name: "9.999s is raised", given: { interval: "9999ms", floor: "10s" }, want: { ms: 10_000, raised: true } },
    { name: "exactly the floor stays", given: { interval: "10s", floor: "10s" }, want: { ms: 10_000, raised: false } },
    { name: "1h stays", given: { interval: "1h", floor: "10s" }, want: { ms: 3_600_000, raised: false } },
    { name: "0 (sync once) stays 0", given: { interval: "0", floor: "10s" }, want: { ms: 0, raised: false } },
    { name: "floor 0 disables it", given: { interval: "1ms", floor: "0" }, want: { ms: 1, raised: false } },
    { name: "a larger floor", given: { interval: "30s", floor: "1m" }, want: { ms: 60_000, raised: true } },
  ];
  for (const { name, given, want } of table) it(name, () => assert.deepEqual(refreshFloor(parseDuration(given.interval), parseDuration(given.floor)), want));
});

describe("storeRefreshFloor (store spec.refreshInterval: seconds or a Go duration)", () => {
  const FALLBACK = 300_000;
  const table: Array<{ name: string; given: number | string | undefined; floor: number; want: { ms: number; raised: boolean } }> = [
    { name: "unset: the fallback", given: undefined, floor: 10_000, want: { ms: FALLBACK, raised: false } },
    { name: "0: the fallback", given: 0, floor: 10_000, want: { ms: FALLBACK, raised: false } },
    { name: "1s is raised", given: "1s", floor: 10_000, want: { ms: 10_000, raised: true } },
    { name: "5 (seconds) is raised", given: 5, floor: 10_000, want: { ms: 10_000, raised: true } },
    { name: "1m stays", given: "1m", floor: 10_000, want: { ms: 60_000, raised: false } },
    { name: "floor 0 disables it", given: "1s", floor: 0, want: { ms: 1000, raised: false } },
    { name: "a fallback below the floor is raised but not the tenant's doing", given: undefined, floor: 600_000, want: { ms: 600_000, raised: false } },
  ];
  for (const { name, given, floor, want } of table) it(name, () => assert.deepEqual(storeRefreshFloor(given, FALLBACK, floor), want));
});

describe("flooredStoreInterval (what providers that poll receive)", () => {
  const table: Array<{ name: string; given: number | string | undefined; want: number | string | undefined }> = [
    { name: "raised", given: "1s", want: "10s" },
    { name: "seconds raised", given: 2, want: "10s" },
    { name: "unchanged above the floor", given: "1m", want: "1m" },
    { name: "unset stays unset (the provider's default applies)", given: undefined, want: undefined },
  ];
  for (const { name, given, want } of table) it(name, () => assert.equal(flooredStoreInterval(given, 10_000), want));
});

describe("floorNote", () => {
  it("names the requested interval and the one in use", () =>
    assert.equal(floorNote("1ms", { ms: 10_000, raised: true }), "; refreshInterval 1ms is below the operator's minimum (--min-refresh-interval), using 10s"));
  it("store seconds read as seconds", () => assert.match(floorNote(5, { ms: 10_000, raised: true }), /refreshInterval 5s is below/));
  it("nothing when not raised", () => assert.equal(floorNote("1h", { ms: 3_600_000, raised: false }), ""));
});

describe("FloorLog", () => {
  it("logs once per object generation, again after a spec change or after the floor stopped applying", () => {
    const lines: string[] = [];
    const log = pino({ level: "info" }, new Writable({ write: (chunk, _e, done) => (lines.push(String(chunk)), done()) }));
    const floorLog = new FloorLog(log);
    const raised = { ms: 10_000, raised: true };
    floorLog.note("ns/a", 1, "1ms", raised);
    floorLog.note("ns/a", 1, "1ms", raised);
    floorLog.note("ns/b", 1, "1ms", raised);
    floorLog.note("ns/a", 2, "2ms", raised);
    floorLog.note("ns/a", 3, "1h", { ms: 3_600_000, raised: false });
    floorLog.note("ns/a", 4, "1ms", raised);
    floorLog.forget("ns/b");
    floorLog.note("ns/b", 1, "1ms", raised);
    assert.deepEqual(lines.map((line) => `${JSON.parse(line).object}@${JSON.parse(line).generation}`), ["ns/a@1", "ns/b@1", "ns/a@2", "ns/a@4", "ns/b@1"]);
  });
});
