// ExponentialBackoff: growth, cap, per-key independence and reset.
import assert from "node:assert/strict";
import { test } from "node:test";
import { ExponentialBackoff } from "../../../src/controller/backoff.ts";
import { TEST_TIMEOUT_MS } from "./helpers.ts";

const cases = [
  { name: "defaults: 1s doubling", given: {}, calls: 5, want: [1000, 2000, 4000, 8000, 16000] },
  { name: "defaults cap at 5 min", given: {}, calls: 11, want: [1000, 2000, 4000, 8000, 16000, 32000, 64000, 128000, 256000, 300000, 300000] },
  { name: "custom base and cap", given: { baseMs: 5, maxMs: 30 }, calls: 5, want: [5, 10, 20, 30, 30] },
  { name: "cap below base is raised to base", given: { baseMs: 100, maxMs: 10 }, calls: 2, want: [100, 100] },
  { name: "invalid options fall back to defaults", given: { baseMs: -1, maxMs: Number.NaN }, calls: 2, want: [1000, 2000] },
];

for (const c of cases) {
  test(`backoff: ${c.name}`, { timeout: TEST_TIMEOUT_MS }, () => {
    const b = new ExponentialBackoff(c.given);
    const got = Array.from({ length: c.calls }, () => b.next("k"));
    assert.deepEqual(got, c.want);
    assert.equal(b.failures("k"), c.calls);
  });
}

test("backoff: keys are independent and forget resets one key", { timeout: TEST_TIMEOUT_MS }, () => {
  const b = new ExponentialBackoff({ baseMs: 10, maxMs: 1000 });
  b.next("a");
  b.next("a");
  assert.equal(b.next("b"), 10);
  assert.equal(b.next("a"), 40);
  b.forget("a");
  assert.equal(b.failures("a"), 0);
  assert.equal(b.next("a"), 10);
  assert.equal(b.next("b"), 20);
});

test("backoff: thousands of failures stay at the cap (no Infinity/NaN)", { timeout: TEST_TIMEOUT_MS }, () => {
  const b = new ExponentialBackoff({ baseMs: 1, maxMs: 50 });
  let last = 0;
  for (let i = 0; i < 2000; i++) last = b.next("k");
  assert.equal(last, 50);
});
