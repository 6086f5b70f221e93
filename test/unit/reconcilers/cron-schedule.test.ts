// spec.syncWindows schedules read as robfig/cron v3 reads them (ESO 2.9's parser). Every expected answer
// below was printed by robfig/cron v3.0.1 itself (Parse, then Next in UTC); during development 12,000 random
// specs and start times (ranges, steps, names, empty parts, errors) also agreed with it, answers and error texts.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { CronError, nextFiring, parseSchedule, SearchExhausted } from "../../../src/reconcilers/external-secret/cron-schedule.ts";

/** robfig's Next: the first firing strictly after the start's whole second. */
function robfigNext(spec: string, from: string): string {
  const s = parseSchedule(spec);
  assert.equal(s.kind, "fields");
  if (s.kind !== "fields") return "";
  const ms = Date.parse(from);
  const next = nextFiring(s, Math.floor(ms / 1000) * 1000 + 1000);
  return next === undefined ? "zero" : new Date(next).toISOString().replace(".000Z", "Z");
}

describe("nextFiring (robfig's Next)", () => {
  const table = [
    { spec: "0 22 * * *", from: "2026-06-01T23:00:00Z", want: "2026-06-02T22:00:00Z" },
    { spec: "0 22 * * 1-5", from: "2026-06-05T22:00:00Z", want: "2026-06-08T22:00:00Z" },
    { spec: "30 23 31 * *", from: "2026-02-01T00:00:00Z", want: "2026-03-31T23:30:00Z" },
    { spec: "0 0 29 2 *", from: "2026-03-01T00:00:00Z", want: "2028-02-29T00:00:00Z" },
    { spec: "0 0 30 2 *", from: "2026-01-01T00:00:00Z", want: "zero" },
    { spec: "0 0 */10 * 1", from: "2026-06-02T00:00:00Z", want: "2026-06-08T00:00:00Z" },
    { spec: "0 0 1-31 * MON", from: "2026-06-02T00:00:00Z", want: "2026-06-03T00:00:00Z" },
    { spec: "0 0 ? * mon", from: "2026-06-02T00:00:00Z", want: "2026-06-08T00:00:00Z" },
    { spec: "*/15 9-17 * jan-mar,dec sat,sun", from: "2026-03-31T17:50:00Z", want: "2026-12-05T09:00:00Z" },
    { spec: "5/20 * * * *", from: "2026-06-01T10:46:00Z", want: "2026-06-01T11:05:00Z" },
    { spec: "*-5 0 1 1 *", from: "2026-06-01T00:00:00Z", want: "2027-01-01T00:00:00Z" },
    { spec: "59 23 31 12 *", from: "2026-12-31T23:59:00Z", want: "2027-12-31T23:59:00Z" },
    { spec: "@weekly", from: "2026-06-01T12:00:00Z", want: "2026-06-07T00:00:00Z" },
    { spec: "@monthly", from: "2026-12-15T00:00:00Z", want: "2027-01-01T00:00:00Z" },
    { spec: "@yearly", from: "2026-01-01T00:00:00Z", want: "2027-01-01T00:00:00Z" },
    { spec: "@hourly", from: "2026-01-01T00:00:00.5Z", want: "2026-01-01T01:00:00Z" },
    { spec: "+5 0 * * *", from: "2026-01-01T00:00:00Z", want: "2026-01-01T00:05:00Z" },
    { spec: ", * * * *", from: "2026-01-01T00:00:00Z", want: "zero" },
    { spec: "0 9 , * sun", from: "2026-06-01T10:00:00Z", want: "2026-06-07T09:00:00Z" },
    { spec: "0 9 , * *", from: "2026-06-01T10:00:00Z", want: "zero" },
  ];
  for (const c of table) it(`${c.spec} after ${c.from}`, () => assert.equal(robfigNext(c.spec, c.from), c.want));

  it("stops at untilMs and spends its budget", () => {
    const s = parseSchedule("0 22 * * *");
    assert.ok(s.kind === "fields");
    assert.equal(nextFiring(s, Date.parse("2026-06-01T23:00:00Z"), Date.parse("2026-06-02T21:59:00Z")), undefined);
    assert.throws(() => nextFiring(s, Date.parse("2026-06-01T23:00:00Z"), Infinity, { steps: 2 }), SearchExhausted);
  });
});

describe("parseSchedule errors (robfig's texts)", () => {
  const table = [
    { spec: "0 0 * * 7", want: "end of range (7) above maximum (6): 7" },
    { spec: "60 * * * *", want: "end of range (60) above maximum (59): 60" },
    { spec: "0 22 * *", want: "expected exactly 5 fields, found 4: [0 22 * *]" },
    { spec: "0 22 * * * *", want: "expected exactly 5 fields, found 6: [0 22 * * * *]" },
    { spec: "5-1 * * * *", want: "beginning of range (5) beyond end of range (1): 5-1" },
    { spec: "1-2-3 * * * *", want: "too many hyphens: 1-2-3" },
    { spec: "*/0 * * * *", want: "step of range should be a positive number: */0" },
    { spec: "1/2/3 * * * *", want: "too many slashes: 1/2/3" },
    { spec: "x * * * *", want: 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax' },
    { spec: "99999999999999999999 * * * *", want: 'failed to parse int from 99999999999999999999: strconv.Atoi: parsing "99999999999999999999": value out of range' },
    { spec: "0 0 0 * *", want: "beginning of range (0) below minimum (1): 0" },
    { spec: "@every 1h x", want: 'failed to parse duration @every 1h x: time: unknown unit "h x" in duration "1h x"' },
    { spec: "@fortnightly", want: "unrecognized descriptor: @fortnightly" },
    { spec: "", want: "empty spec string" },
    { spec: "not-a-cron", want: "expected exactly 5 fields, found 1: [not-a-cron]" },
    { spec: "0 0 * constructor *", want: 'failed to parse int from constructor: strconv.Atoi: parsing "constructor": invalid syntax' },
  ];
  for (const c of table) {
    it(JSON.stringify(c.spec), () => assert.throws(() => parseSchedule(c.spec), (err: Error) => err instanceof CronError && err.message === c.want));
  }
  it("@every: whole seconds, at least one", () => {
    assert.deepEqual(parseSchedule("@every 1h"), { kind: "every", delayMs: 3_600_000 });
    assert.deepEqual(parseSchedule("@every 1500ms"), { kind: "every", delayMs: 1000 });
    assert.deepEqual(parseSchedule("@every 10ms"), { kind: "every", delayMs: 1000 });
  });
});
