import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { formatDuration, parseDuration } from "../../../src/api/duration.ts";

describe("Go durations", () => {
  const table = [
    ["0", 0],
    ["1h", 3_600_000],
    ["1h30m", 5_400_000],
    ["15s", 15_000],
    ["1.5s", 1500],
    ["250ms", 250],
    ["1m0.5s", 60_500],
  ] as const;
  for (const [text, ms] of table) it(`parses ${text}`, () => assert.equal(parseDuration(text), ms));
  for (const bad of ["", "1", "h", "1d", "-1s", "1 h"]) it(`rejects ${JSON.stringify(bad)}`, () => assert.throws(() => parseDuration(bad)));
  it("formats like Go", () => {
    assert.equal(formatDuration(3_600_000), "1h0m0s");
    assert.equal(formatDuration(90_000), "1m30s");
    assert.equal(formatDuration(0), "0s");
  });
});
