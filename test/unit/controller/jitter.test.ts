// Jitter: bounds (property-based), determinism per key, and spread across keys.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { deterministicJitter, jittered, unitHash } from "../../../src/controller/jitter.ts";
import { TEST_TIMEOUT_MS } from "./helpers.ts";

// fc.double() includes NaN, ±Infinity, -0 and ±MAX_VALUE.
const anyNumber = fc.oneof(fc.double(), fc.integer({ min: -1e9, max: 1e12 }));

test("jittered stays in [ms, ms*(1+fraction)] for valid inputs and any random in [0,1)", { timeout: TEST_TIMEOUT_MS }, () => {
  fc.assert(
    fc.property(
      fc.double({ min: 0, max: 1e10, noNaN: true }),
      fc.double({ min: 0, max: 5, noNaN: true }),
      fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
      (ms, fraction, r) => {
        const got = jittered(ms, fraction, () => r);
        // The top of the window as floating point computes it: ms * (1 + fraction) rounds differently for
        // subnormal ms (fast-check found ms = 3e-308, where ms + ms * fraction * r exceeds it by one ulp).
        return got >= ms && got <= ms + ms * fraction;
      },
    ),
  );
});

test("jittered is always finite and non-negative, whatever it is given", { timeout: TEST_TIMEOUT_MS }, () => {
  fc.assert(
    fc.property(anyNumber, anyNumber, anyNumber, (ms, fraction, r) => {
      const got = jittered(ms, fraction, () => r);
      return Number.isFinite(got) && got >= 0;
    }),
  );
});

test("jittered uses the random source: r=0 gives ms, r near 1 gives the top of the window", { timeout: TEST_TIMEOUT_MS }, () => {
  assert.equal(jittered(1000, 0.5, () => 0), 1000);
  assert.ok(jittered(1000, 0.5, () => 0.999999) > 1499);
  assert.equal(jittered(1000, 0, () => 0.7), 1000);
});

test("deterministicJitter: bounds, and the same key always gets the same delay", { timeout: TEST_TIMEOUT_MS }, () => {
  fc.assert(
    fc.property(fc.string(), fc.double({ min: 0, max: 1e9, noNaN: true }), fc.double({ min: 0, max: 2, noNaN: true }), (key, ms, fraction) => {
      const a = deterministicJitter(key, ms, fraction);
      const b = deterministicJitter(key, ms, fraction);
      // The top as the code computes it (ms + ms * (fraction * unit) <= ms + ms * fraction by monotone rounding);
      // ms * (1 + fraction) rounds lower when fraction is below an ulp of 1 (fast-check: ms 5e-105, fraction 1e-16).
      return a === b && a >= ms && a <= ms + ms * fraction;
    }),
  );
});

test("deterministicJitter pins known values (a changed hash would move every object's schedule on upgrade)", { timeout: TEST_TIMEOUT_MS }, () => {
  const table = [
    { name: "empty key", given: "", want: 1668.9221884589642 },
    { name: "namespaced key", given: "default/app-db", want: 1135.1872240193188 },
    { name: "another namespace", given: "kube-system/x", want: 1322.8218723088503 },
  ];
  for (const c of table) assert.equal(deterministicJitter(c.given, 1000, 1), c.want, c.name);
  assert.notEqual(unitHash("default/app-1"), unitHash("default/app-2"));
});

test("deterministicJitter spreads similar keys over the whole window (no lockstep)", { timeout: TEST_TIMEOUT_MS }, () => {
  const buckets = new Array<number>(10).fill(0);
  const n = 2000;
  for (let i = 0; i < n; i++) {
    const offset = deterministicJitter(`team-a/external-secret-${i}`, 3600, 0.1) - 3600; // in [0, 360]
    buckets[Math.min(9, Math.floor(offset / 36))]! += 1;
  }
  for (const count of buckets) {
    // uniform would be 200 per bucket; a hash that clusters fails this
    assert.ok(count > 140 && count < 260, `bucket counts ${buckets.join(",")}`);
  }
});
