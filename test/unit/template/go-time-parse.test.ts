// Go's time.Parse (toDate) and Duration.String (duration), by answers Go gave (test/differential/cases-dates.ts
// compares them with Go itself on the bench).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseGoTime, ZERO_TIME_MS } from "../../../src/template/go-time-parse.ts";
import { formatGoDuration } from "../../../src/template/go-duration.ts";
import { renderString, stringData } from "../../../src/template/index.ts";

const render = (t: string) => renderString("t", t, stringData({}));

describe("parseGoTime", () => {
  it("parses Go layouts to UTC instants", () => {
    assert.deepEqual(parseGoTime("2006", "2020"), { ok: true, ms: Date.UTC(2020, 0, 1) });
    assert.deepEqual(parseGoTime("2006.002", "2020.060"), { ok: true, ms: Date.UTC(2020, 1, 29) });
    assert.deepEqual(parseGoTime("02 Jan 06 15:04 MST", "24 Oct 23  14:46 UTC"), { ok: true, ms: Date.UTC(2023, 9, 24, 14, 46) });
    assert.deepEqual(parseGoTime("2006-01-02T15:04:05Z07:00", "2020-01-02T03:04:05+02:00"), { ok: true, ms: Date.UTC(2020, 0, 2, 1, 4, 5) });
  });
  it("gives Go's error texts", () => {
    assert.deepEqual(parseGoTime("2006-01-02", "2021-02-29"), { ok: false, error: 'parsing time "2021-02-29": day out of range' });
    assert.deepEqual(parseGoTime("2006-01-02", "2020-13-01"), { ok: false, error: 'parsing time "2020-13-01": month out of range' });
    assert.deepEqual(parseGoTime("2006-01-02", "2020-01-02 extra"), { ok: false, error: 'parsing time "2020-01-02 extra": extra text: " extra"' });
    assert.deepEqual(parseGoTime("2006-01-02", "x"), { ok: false, error: 'parsing time "x" as "2006-01-02": cannot parse "x" as "2006"' });
  });
  it("toDate gives Go's zero time on failure; a layout without a year is year 0", () => {
    assert.equal(render('{{ toDate "2006" "x" | unixEpoch }}'), String(ZERO_TIME_MS / 1000));
    assert.equal(render('{{ toDate "2006" "x" }}'), "0001-01-01 00:00:00 +0000 UTC");
    assert.equal(render('{{ toDate "3:04PM" "3:04PM" }}'), "0000-01-01 15:04:00 +0000 UTC");
  });
});

describe("duration", () => {
  it("formats as time.Duration.String", () => {
    assert.equal(formatGoDuration(0n), "0s");
    assert.equal(formatGoDuration(1_500n), "1.5µs");
    assert.equal(formatGoDuration(3_723_000_000_000n), "1h2m3s");
    assert.equal(formatGoDuration(-90_000_000_000n), "-1m30s");
  });
  it("takes a string or an int64 only, as Sprig", () => {
    assert.equal(render("{{ duration 3 }}"), "0s");
    assert.equal(render("{{ duration (int64 3) }}"), "3s");
    assert.equal(render('{{ duration "90" }}'), "1m30s");
    assert.equal(render('{{ duration "0x10" }}'), "0s");
    assert.equal(render('{{ duration "99999999999999999999" }}'), "-1s");
  });
});
