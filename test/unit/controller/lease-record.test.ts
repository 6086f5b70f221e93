// Lease decisions: expiry (skew-safe observation), the spec we write, and MicroTime handling both ways.
import assert from "node:assert/strict";
import { test } from "node:test";
import { V1MicroTime } from "@kubernetes/client-node";
import type { V1Lease, V1LeaseSpec } from "@kubernetes/client-node";
import { ObjectSerializer } from "@kubernetes/client-node/dist/gen/models/ObjectSerializer.js";
import { canTakeLease, microTimeMs, nextLeaseSpec, observe, releasedLeaseSpec } from "../../../src/controller/lease-record.ts";
import { TEST_TIMEOUT_MS } from "./helpers.ts";

const NOW = Date.parse("2026-01-01T00:00:00.000Z");
const spec = (holder: string | undefined, durationS?: number): V1LeaseSpec => ({ holderIdentity: holder, leaseDurationSeconds: durationS });

const takeCases = [
  { name: "no lease spec", given: { spec: undefined, observedAt: NOW }, want: true },
  { name: "released (empty holder)", given: { spec: spec(""), observedAt: NOW }, want: true },
  { name: "held by us", given: { spec: spec("me", 15), observedAt: NOW }, want: true },
  { name: "held by other, renewed 5s ago", given: { spec: spec("other", 15), observedAt: NOW - 5_000 }, want: false },
  { name: "held by other, exactly at expiry", given: { spec: spec("other", 15), observedAt: NOW - 15_000 }, want: false },
  { name: "held by other, expired", given: { spec: spec("other", 15), observedAt: NOW - 15_001 }, want: true },
  { name: "held by other, its own longer duration counts", given: { spec: spec("other", 60), observedAt: NOW - 30_000 }, want: false },
  { name: "held by other, no duration: our default (15s)", given: { spec: spec("other"), observedAt: NOW - 16_000 }, want: true },
];

for (const c of takeCases) {
  test(`canTakeLease: ${c.name}`, { timeout: TEST_TIMEOUT_MS }, () => {
    assert.equal(canTakeLease({ ...c.given, identity: "me", now: NOW, defaultDurationMs: 15_000 }), c.want);
  });
}

const lease = (rv: string, renewTime?: unknown): V1Lease => ({ metadata: { resourceVersion: rv }, spec: { holderIdentity: "other", renewTime: renewTime as V1MicroTime } });

const observeCases = [
  { name: "first sight credits an old renewTime (dead leader: take at once)", given: { prev: undefined, lease: lease("1", "2025-12-31T23:59:00.000000Z") }, want: NOW - 60_000 },
  { name: "first sight never credits a future renewTime (skewed clocks)", given: { prev: undefined, lease: lease("1", "2026-01-01T00:05:00.000000Z") }, want: NOW },
  { name: "first sight without renewTime", given: { prev: undefined, lease: lease("1") }, want: NOW },
  { name: "renewTime as Date", given: { prev: undefined, lease: lease("1", new Date(NOW - 1000)) }, want: NOW - 1000 },
  { name: "unchanged record keeps the old observation", given: { prev: { resourceVersion: "1", at: NOW - 9000 }, lease: lease("1", "2026-01-01T00:00:00.000000Z") }, want: NOW - 9000 },
  // The holder's clock may be minutes behind ours; we saw it change now, so it is fresh now.
  { name: "changed record is fresh by our clock, whatever renewTime says", given: { prev: { resourceVersion: "1", at: NOW - 9000 }, lease: lease("2", "2025-12-31T23:00:00.000000Z") }, want: NOW },
];

for (const c of observeCases) {
  test(`observe: ${c.name}`, { timeout: TEST_TIMEOUT_MS }, () => {
    assert.equal(observe(c.given.prev, c.given.lease, NOW).at, c.want);
  });
}

test("microTimeMs reads what client-node actually returns (strings) and Dates", { timeout: TEST_TIMEOUT_MS }, () => {
  const table = [
    { given: "2026-01-01T00:00:00.123456Z", want: NOW + 123 },
    { given: new V1MicroTime(NOW + 5), want: NOW + 5 },
    { given: "", want: undefined },
    { given: "not a time", want: undefined },
    { given: 12345, want: undefined },
    { given: undefined, want: undefined },
  ];
  for (const c of table) assert.equal(microTimeMs(c.given), c.want, String(c.given));
});

const specCases = [
  { name: "create", given: undefined, want: { holderIdentity: "me", leaseTransitions: 0, acquireTime: NOW } },
  {
    name: "renew keeps acquireTime and transitions",
    given: { holderIdentity: "me", acquireTime: "2025-12-31T00:00:00.000000Z" as unknown as V1MicroTime, leaseTransitions: 3 },
    want: { holderIdentity: "me", leaseTransitions: 3, acquireTime: Date.parse("2025-12-31T00:00:00Z") },
  },
  {
    name: "take over counts a transition",
    given: { holderIdentity: "other", acquireTime: "2025-12-31T00:00:00.000000Z" as unknown as V1MicroTime, leaseTransitions: 3 },
    want: { holderIdentity: "me", leaseTransitions: 4, acquireTime: NOW },
  },
  { name: "taking a released lease counts a transition", given: { holderIdentity: "", leaseTransitions: 1 }, want: { holderIdentity: "me", leaseTransitions: 2, acquireTime: NOW } },
];

for (const c of specCases) {
  test(`nextLeaseSpec: ${c.name}`, { timeout: TEST_TIMEOUT_MS }, () => {
    const got = nextLeaseSpec(c.given, "me", NOW, 15_000);
    assert.equal(got.holderIdentity, c.want.holderIdentity);
    assert.equal(got.leaseTransitions, c.want.leaseTransitions);
    assert.equal(microTimeMs(got.acquireTime), c.want.acquireTime);
    assert.equal(microTimeMs(got.renewTime), NOW);
    assert.equal(got.leaseDurationSeconds, 15);
  });
}

test("nextLeaseSpec keeps fields it does not own (strategy, preferredHolder)", { timeout: TEST_TIMEOUT_MS }, () => {
  const got = nextLeaseSpec({ holderIdentity: "other", strategy: "OldestEmulationVersion", preferredHolder: "x" }, "me", NOW, 15_000);
  assert.equal(got.strategy, "OldestEmulationVersion");
  assert.equal(got.preferredHolder, "x");
});

test("written times serialise with microseconds, as the apiserver's MicroTime requires", { timeout: TEST_TIMEOUT_MS }, () => {
  const body = { apiVersion: "coordination.k8s.io/v1", kind: "Lease", metadata: { name: "l" }, spec: nextLeaseSpec(undefined, "me", NOW + 123, 15_000) };
  const wire = JSON.parse(JSON.stringify(ObjectSerializer.serialize(body, "V1Lease", ""))) as { spec: Record<string, unknown> };
  assert.equal(wire.spec.renewTime, "2026-01-01T00:00:00.123000Z");
  assert.equal(wire.spec.acquireTime, "2026-01-01T00:00:00.123000Z");
  // The trap this avoids: a plain Date goes out with milliseconds only.
  assert.equal(JSON.stringify(ObjectSerializer.serialize({ spec: { renewTime: new Date(NOW) } }, "V1Lease", "")), '{"spec":{"renewTime":"2026-01-01T00:00:00.000Z"}}');
});

test("releasedLeaseSpec clears the holder with a 1s duration", { timeout: TEST_TIMEOUT_MS }, () => {
  const got = releasedLeaseSpec({ holderIdentity: "me", leaseTransitions: 2, leaseDurationSeconds: 15 }, NOW);
  assert.equal(got.holderIdentity, "");
  assert.equal(got.leaseDurationSeconds, 1);
  assert.equal(got.leaseTransitions, 2);
  assert.equal(canTakeLease({ spec: got, identity: "standby", observedAt: NOW, now: NOW, defaultDurationMs: 15_000 }), true);
});
